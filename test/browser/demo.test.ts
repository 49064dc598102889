import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { freePort } from './freePort';
import { ROOT, tinyConditionalRun } from '../export/tinyRun';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => fs.existsSync(p));
const skip = CHROMIUM == null && process.env.CI !== 'true' ? 'Chromium not installed (apt-get install chromium)' : false;

test('npm run demo serves a page that generates images in Chromium, and they change with the class and the latent walk', { skip, timeout: 240_000 }, async () => {
  // Enough steps for the batch-norm running statistics to leave their initial values (else every sample is flat grey).
  const run = tinyConditionalRun(60);
  const port = await freePort();
  const site = fs.mkdtempSync(path.join(path.dirname(run), 'site-'));
  const server = spawn(process.execPath, [path.join(ROOT, 'build', 'lib', 'cli', 'demo.js'), '--checkpoint', run, '--port', String(port), '--out', site], { cwd: ROOT });
  let out = '';
  server.stdout.on('data', (d) => (out += d));
  server.stderr.on('data', (d) => (out += d));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    const deadline = Date.now() + 60_000;
    while (!/demo of .* at http/.test(out)) {
      assert.ok(Date.now() < deadline && server.exitCode == null, `the demo server did not start: ${out}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const page = await browser.newPage({ viewport: { width: 900, height: 700 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${port}/`);
    const rendered = (n: number) => page.waitForFunction((k) => Number(document.body.dataset.renders ?? 0) >= k || document.body.dataset.error != null, n, { timeout: 60_000 });
    const pixels = () => page.evaluate(() => (document.getElementById('samples') as HTMLCanvasElement).toDataURL());
    await rendered(1);
    assert.equal(await page.evaluate(() => document.body.dataset.error ?? null), null, `page error: ${errors.join('; ')}`);
    const backend = await page.evaluate(() => document.body.dataset.backend);
    const size = await page.evaluate(() => [(document.getElementById('samples') as HTMLCanvasElement).width, (document.getElementById('samples') as HTMLCanvasElement).height]);
    assert.deepEqual(size, [8 * 32, 32], 'eight 32×32 samples side by side');
    const first = await pixels();
    assert.equal(await page.locator('#class option').count(), 10);
    assert.match(await page.locator('#class option').nth(7).innerText(), /7: Sneaker/);
    await page.selectOption('#class', '7');
    await rendered(2);
    const otherClass = await pixels();
    assert.notEqual(otherClass, first, 'a different class draws different images');
    await page.locator('#walk').fill('1');
    await rendered(3);
    assert.notEqual(await pixels(), otherClass, 'the latent walk moves the images');
    fs.mkdirSync(path.join(ROOT, 'build', 'artifacts'), { recursive: true });
    await page.screenshot({ path: path.join(ROOT, 'build', 'artifacts', 'demo.png') });
    console.log(`demo rendered on the ${backend} backend`);
  } finally {
    await browser.close();
    server.kill('SIGTERM');
  }
});
