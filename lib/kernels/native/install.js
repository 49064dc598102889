#!/usr/bin/env node
// Builds the oneDNN addon at `npm install` where a C++ compiler and oneDNN exist. Never fails the install: without
// them the library runs its wasm kernels and says in the backend report what to install. `npm run native`
// (`--required`) builds it and fails loudly, for CI and for users who want to see the compiler's message.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const required = process.argv.includes('--required');
const here = __dirname;

function nodeGyp() {
  if (process.env.npm_config_node_gyp && fs.existsSync(process.env.npm_config_node_gyp)) return process.env.npm_config_node_gyp;
  const npmDir = path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm');
  const candidate = path.join(npmDir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  return fs.existsSync(candidate) ? candidate : null;
}

function finish(ok, message) {
  if (ok) {
    console.log(`biggan-ts: ${message}`);
    process.exit(0);
  }
  const hint = 'install g++, make and oneDNN (Debian/Ubuntu: apt-get install g++ make libdnnl-dev; macOS: brew ' +
    'install onednn libomp), then run `npm run native`';
  if (required) {
    console.error(`biggan-ts: native kernels not built: ${message}\n  ${hint}`);
    process.exit(1);
  }
  console.log(`biggan-ts: native CPU kernels not built (${message}); training uses wasm. For 2-3x faster training: ${hint}.`);
  process.exit(0);
}

if (process.env.BIGGAN_NATIVE === 'skip' && !required) finish(false, 'BIGGAN_NATIVE=skip');
const gyp = nodeGyp();
if (gyp == null) finish(false, 'node-gyp not found (it ships with npm)');
// Node's own headers where the runtime was installed with them (Debian, nvm, the official tarballs): node-gyp would
// otherwise download them.
const nodedir = path.resolve(path.dirname(process.execPath), '..');
const args = [gyp, 'rebuild', '--directory', here];
if (fs.existsSync(path.join(nodedir, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${nodedir}`);
// A bounded wait: node-gyp may try to download Node's headers where none are installed, and a silent network
// must not hang `npm install`.
const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 10 * 60_000, maxBuffer: 64 << 20 });
if (r.status === 0) finish(true, 'native CPU kernels built (oneDNN)');
const output = `${r.stdout ?? ''}\n${r.stderr ?? ''}`;
// The line that names the cause: a missing header or tool before node-gyp's own summary lines.
const lines = output.split('\n');
const firstError =
  lines.find((l) => /fatal error|No such file|not found|Could not find|cannot find/i.test(l)) ??
  lines.find((l) => /error/i.test(l) && !/gyp ERR! (stack|System|command|cwd|node|not ok)/.test(l));
if (required) process.stderr.write(output.slice(-4000));
finish(false, (firstError ?? `node-gyp exited ${r.status}`).trim().slice(0, 200));
