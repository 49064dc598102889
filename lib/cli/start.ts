import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { findJupyter, hasSubcommand, HOW_TO_GET_JUPYTER, jupyterEnv, ROOT, writeKernelSpec } from './jupyter';

/**
 * `npm start`: registers the TypeScript (tslab) kernel of this checkout and opens the notebooks in JupyterLab,
 * or the classic notebook where JupyterLab is missing.
 */
function main(): void {
  const jupyter = findJupyter();
  if (jupyter == null) {
    console.error(HOW_TO_GET_JUPYTER);
    process.exit(1);
  }
  const spec = writeKernelSpec();
  // Also in the user's registry, so a Jupyter started another way finds the kernel too.
  const install = spawnSync(jupyter, ['kernelspec', 'install', '--user', '--replace', '--name', 'tslab', spec], { encoding: 'utf8' });
  if (install.status !== 0) console.warn(`note: could not register the kernel for your user (${install.stderr.trim()}); it is still available to the server started here.`);
  const app = hasSubcommand(jupyter, 'lab') ? 'lab' : hasSubcommand(jupyter, 'notebook') ? 'notebook' : null;
  if (app == null) {
    console.error(`Jupyter is installed but has neither JupyterLab nor the classic notebook.\n${HOW_TO_GET_JUPYTER}`);
    process.exit(1);
  }
  const notebooks = path.join(ROOT, 'notebooks');
  console.log(`Starting jupyter ${app} in ${notebooks} with the 'TypeScript (BigGAN.ts)' kernel. Stop it with Ctrl-C.`);
  const extra = process.argv.slice(2);
  // Jupyter refuses to start as root without this flag; containers often run as root.
  if (process.getuid?.() === 0 && !extra.includes('--allow-root')) extra.push('--allow-root');
  const server = spawn(jupyter, [app, `--notebook-dir=${notebooks}`, ...extra], { stdio: 'inherit', env: jupyterEnv() });
  server.on('exit', (code) => process.exit(code ?? 0));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => server.kill(signal));
}

main();
