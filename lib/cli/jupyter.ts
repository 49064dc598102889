import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root (build/lib/cli → three levels up). */
export const ROOT = path.resolve(__dirname, '..', '..', '..');
/** A Jupyter data dir of our own: kernels/tslab/kernel.json points at this checkout's tslab. */
export const JUPYTER_DATA = path.join(ROOT, 'build', 'jupyter');

/** The message printed when no Jupyter is found: the commands that install one. */
export const HOW_TO_GET_JUPYTER = [
  'No Jupyter was found. Install one of:',
  '  pip install jupyterlab                 (any OS; then run npm start again)',
  '  conda install -c conda-forge jupyterlab',
  '  sudo apt-get install jupyter-notebook jupyter-nbconvert python3-nbclient   (Debian/Ubuntu: the classic notebook)',
].join('\n');

/** The `jupyter` command: on PATH, else Debian's (whose Python differs from a pyenv `python3` on PATH). */
export function findJupyter(): string | null {
  for (const candidate of ['jupyter', '/usr/bin/jupyter', '/usr/local/bin/jupyter']) {
    const r = spawnSync(candidate, ['--version'], { encoding: 'utf8' });
    if (r.status === 0) return candidate;
  }
  return null;
}

/** Whether `jupyter <sub>` exists (lab, notebook, nbconvert...). */
export function hasSubcommand(jupyter: string, sub: string): boolean {
  return spawnSync(jupyter, [sub, '--version'], { encoding: 'utf8' }).status === 0;
}

/**
 * Writes the tslab kernelspec for this checkout: absolute paths to this Node and this project's tslab, so the
 * kernel never depends on what `python3` or `tslab` a PATH happens to hold. Returns its folder.
 */
export function writeKernelSpec(): string {
  const dir = path.join(JUPYTER_DATA, 'kernels', 'tslab');
  fs.mkdirSync(dir, { recursive: true });
  const tslab = path.join(path.dirname(require.resolve('tslab/package.json')), 'bin', 'tslab');
  const spec = {
    argv: [process.execPath, tslab, 'kernel', '--config-path', '{connection_file}'],
    display_name: 'TypeScript (BigGAN.ts)',
    language: 'typescript',
    env: { GAN_TS_ROOT: ROOT },
  };
  fs.writeFileSync(path.join(dir, 'kernel.json'), JSON.stringify(spec, null, 2));
  return dir;
}

/** Environment for Jupyter processes started by us: our kernelspec first on the data path. */
export function jupyterEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const dataPath = [JUPYTER_DATA, process.env.JUPYTER_PATH].filter((p) => p).join(path.delimiter);
  return { ...process.env, JUPYTER_PATH: dataPath, ...extra };
}
