import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { freePort } from './freePort';
import { EXECUTED, runNotebook } from '../../tools/notebooks';
import { findJupyter, jupyterEnv, ROOT } from '../../lib/cli/jupyter';

/**
 * The executed 00-setup notebook, opened from a real notebook server in headless Chromium, shows its PNG sample
 * grid and draws its Plotly chart (an SVG). The screenshot is kept in build/artifacts/.
 */
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => fs.existsSync(p));
const jupyter = findJupyter();
const missing = [jupyter == null && 'Jupyter', CHROMIUM == null && 'Chromium'].filter(Boolean).join(' and ');
const skip = missing && process.env.CI !== 'true' ? `${missing} not installed (apt-get install jupyter-notebook chromium)` : false;

async function waitForHttp(url: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      const r = await fetch(url);
      if (r.status < 500) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`the notebook server did not answer at ${url} within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

test('the executed 00-setup notebook shows its sample grid and draws its Plotly chart in Chromium', { skip, timeout: 240_000 }, async () => {
  const executed = path.join(EXECUTED, '00-setup.ipynb');
  const run = runNotebook('00-setup');
  assert.ok(run.ok, 'the notebook executes');
  const port = await freePort();
  const token = randomBytes(16).toString('hex');
  let server: ChildProcess | null = spawn(
    jupyter!,
    ['notebook', '--no-browser', '--ip=127.0.0.1', `--port=${port}`, `--NotebookApp.token=${token}`, `--notebook-dir=${EXECUTED}`, '--allow-root'],
    { env: jupyterEnv(), stdio: 'ignore' },
  );
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    await waitForHttp(`http://127.0.0.1:${port}/api?token=${token}`, 60_000);
    const page = await browser.newPage({ viewport: { width: 1200, height: 2400 } });
    await page.goto(`http://127.0.0.1:${port}/notebooks/${path.basename(executed)}?token=${token}`);
    const grid = page.locator('.output_png img').first();
    await grid.waitFor({ state: 'visible', timeout: 60_000 });
    const box = await grid.boundingBox();
    assert.ok(box && box.width > 100 && box.height > 30, `the sample grid is drawn (${JSON.stringify(box)})`);
    const svg = page.locator('.js-plotly-plot .main-svg').first();
    await svg.waitFor({ state: 'attached', timeout: 60_000 });
    assert.ok((await page.locator('.js-plotly-plot .bars path, .js-plotly-plot .point path').count()) >= 3, 'the chart has its three bars');
    const artifacts = path.join(ROOT, 'build', 'artifacts');
    fs.mkdirSync(artifacts, { recursive: true });
    await svg.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(artifacts, '00-setup.png'), fullPage: true });
  } finally {
    await browser.close();
    server.kill('SIGTERM');
    server = null;
  }
});
