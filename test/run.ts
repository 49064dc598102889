/**
 * `npm test`: runs every compiled `*.test.js` under build/test with Node's test runner. Named explicitly because
 * Node 20 treats every .js file inside a `test` folder as a test (helpers and the benchmark included) and has no
 * glob support of its own.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hardwareVulkanDriver, swiftshaderEnv } from '../tools/swiftshader';

function find(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? find(p) : e.name.endsWith('.test.js') ? [p] : [];
  });
}

const files = find(__dirname).sort();
const only = process.argv.slice(2);
const selected = only.length ? files.filter((f) => only.some((o) => f.includes(o))) : files;
// Node's --test with no files discovers every test: a filter that matches nothing must stop here instead.
if (selected.length === 0) {
  console.error(`no test file matches ${only.map((o) => `'${o}'`).join(' or ')}; the test files are:`);
  for (const f of files) console.error(`  ${path.relative(__dirname, f).replace(/\.js$/, '.ts')}`);
  process.exit(2);
}
// The webgpu tests run on the machine's GPU where it has a Vulkan driver, and on SwiftShader otherwise (or where the
// user chose a driver with VK_ICD_FILENAMES / VK_DRIVER_FILES, on that). LD_LIBRARY_PATH must be set before a
// process starts, so the runner sets it for the test process. Without SwiftShader those tests say why (and in CI,
// where .ci/run installs it, they fail).
const env = { ...process.env };
if (!env.VK_ICD_FILENAMES && !env.VK_DRIVER_FILES && !hardwareVulkanDriver()) {
  const found = swiftshaderEnv(env);
  if ('env' in found) Object.assign(env, found.env);
  else env.GAN_SWIFTSHADER_MISSING = found.error;
}
const r = spawnSync(process.execPath, ['--enable-source-maps', '--test', '--test-concurrency=1', ...selected], { stdio: 'inherit', env });
process.exit(r.status ?? 1);
