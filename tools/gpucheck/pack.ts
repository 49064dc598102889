/**
 * `npm run gpucheck`: packs what the GPU check needs on a machine with a GPU but no Node and no network into
 * `gpucheck/` (ignored by git, well under the 64 MiB a borrowed GPU machine accepts): this Node binary and Dawn's
 * `dawn.node`, xz-compressed (Python's lzma unpacks them there); the check bundled into one file with esbuild;
 * and the Vulkan loader from Debian's libvulkan1 (Dawn reaches NVIDIA GPUs through Vulkan). Then run
 * `bash tools/gpucheck/run.sh` there; `--try` runs it here on SwiftShader, everything but the GPU.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from '../../lib/cli/jupyter';

const OUT = path.join(ROOT, 'gpucheck');

function run(cmd: string, args: string[], o: { cwd?: string } = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: o.cwd, maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw new Error(`${cmd} could not run (${r.error.message})`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ')}`);
  return r.stdout;
}

function xz(from: string, to: string): void {
  // -T0 uses every core; -6 takes Node's 99 MB to about 24 MB in 20 s on two cores.
  fs.writeFileSync(to, spawnSync('xz', ['-6', '-T0', '-c', from], { maxBuffer: 512 * 1024 * 1024 }).stdout);
  if (fs.statSync(to).size === 0) throw new Error(`xz produced nothing for ${from}: install xz-utils`);
}

/** libvulkan.so.1 from Debian's libvulkan1, unpacked without installing it. */
function vulkanLoader(dir: string): string {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gpucheck-'));
  try {
    run('apt-get', ['download', 'libvulkan1'], { cwd: tmp });
    const deb = fs.readdirSync(tmp).find((f) => f.endsWith('.deb'));
    if (!deb) throw new Error('apt-get download libvulkan1 gave no .deb');
    run('dpkg', ['-x', path.join(tmp, deb), path.join(tmp, 'root')]);
    const lib = run('find', [path.join(tmp, 'root'), '-name', 'libvulkan.so.1*', '-type', 'f']).trim().split('\n')[0];
    if (!lib) throw new Error(`${deb} holds no libvulkan.so.1`);
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(lib, path.join(dir, 'libvulkan.so.1'));
    return deb;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error('the GPU machine is Linux x86-64: pack on Linux x86-64, so the Node binary and dawn.node run there');
  const dawn = path.join(ROOT, 'node_modules', 'webgpu', 'dist', 'linux-x64', 'dawn.node');
  if (!fs.existsSync(dawn)) throw new Error(`no ${dawn}: the optional webgpu package did not install (npm install webgpu)`);
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(OUT, { recursive: true });

  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [path.join(ROOT, 'tools', 'gpucheck', 'check.ts')],
    outfile: path.join(OUT, 'check.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // Loaded at run time from gpucheck/node_modules (webgpu) or never reached on webgpu (the rest).
    external: ['webgpu', '@napi-rs/canvas', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'],
    logLevel: 'error',
  });

  const webgpu = path.join(OUT, 'node_modules', 'webgpu');
  fs.mkdirSync(path.join(webgpu, 'dist', 'linux-x64'), { recursive: true });
  for (const f of ['index.js', 'package.json']) fs.copyFileSync(path.join(ROOT, 'node_modules', 'webgpu', f), path.join(webgpu, f));
  xz(dawn, path.join(webgpu, 'dist', 'linux-x64', 'dawn.node.xz'));
  xz(process.execPath, path.join(OUT, 'node.xz'));
  const deb = vulkanLoader(path.join(OUT, 'vulkan'));
  fs.writeFileSync(path.join(OUT, 'MANIFEST.json'), JSON.stringify({ node: process.version, webgpu: require(path.join(ROOT, 'node_modules', 'webgpu', 'package.json')).version, vulkanLoader: deb, packed: new Date().toISOString() }, null, 1));

  const size = (dir: string): number => fs.readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? size(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).size), 0);
  const mb = size(OUT) / 2 ** 20;
  console.log(`packed ${path.relative(process.cwd(), OUT) || OUT}/: ${mb.toFixed(1)} MiB (Node ${process.version}, ${deb})`);
  console.log('on the GPU machine (carry gpucheck/):  bash tools/gpucheck/run.sh');
  console.log('here, on SwiftShader:                   bash tools/gpucheck/run.sh --try');
}

main().catch((e) => {
  console.error(`gpucheck: ${(e as Error).message}`);
  process.exit(1);
});
