import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/**
 * The demo page: lib/web/index.html, and lib/web/demo.ts bundled with TF.js for the browser by esbuild (a
 * development dependency; a production site would bundle it with its own tooling the same way).
 */
export async function buildDemoSite(outDir: string): Promise<void> {
  await bundlePage(path.join(ROOT, 'lib', 'web', 'demo.ts'), path.join(outDir, 'demo.js'));
  fs.copyFileSync(path.join(ROOT, 'lib', 'web', 'index.html'), path.join(outDir, 'index.html'));
}

/** Bundles a page's script for the browser with esbuild (a development dependency). */
export async function bundlePage(entry: string, outfile: string): Promise<void> {
  let esbuild: typeof import('esbuild');
  try {
    esbuild = require('esbuild');
  } catch {
    throw new Error('the demo bundles its page with esbuild, a development dependency: run `npm install` in the repository (not --omit=dev)');
  }
  fs.mkdirSync(path.dirname(outfile), { recursive: true });
  await esbuild.build({ entryPoints: [entry], bundle: true, platform: 'browser', format: 'iife', minify: true, outfile, logLevel: 'warning' });
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.json': 'application/json',
  '.bin': 'application/octet-stream',
  '.onnx': 'application/octet-stream',
  '.png': 'image/png',
  // Browsers compile WebAssembly while it downloads only when it is served as such.
  '.wasm': 'application/wasm',
};

/** Configures `serveFolder`. */
export interface ServeOptions {
  /** Interface to listen on (default 127.0.0.1: this machine only). */
  host?: string;
  /**
   * Send the headers that make the page cross-origin isolated (COOP same-origin, COEP require-corp): browsers
   * give WebAssembly threads (SharedArrayBuffer) only to such pages.
   */
  crossOriginIsolated?: boolean;
}

/** A static file server for a folder (local use: it serves nothing outside the folder). */
export function serveFolder(dir: string, port: number, o: ServeOptions = {}): Promise<http.Server> {
  const host = o.host ?? '127.0.0.1';
  const isolation = o.crossOriginIsolated ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' } : {};
  const root = path.resolve(dir);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const file = path.resolve(root, '.' + decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname));
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store', ...isolation });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(e.code === 'EADDRINUSE' ? new Error(`port ${port} is in use: pass another with --port`) : e));
    server.listen(port, host, () => resolve(server));
  });
}
