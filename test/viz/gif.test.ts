import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { encodeGif } from '../../lib/viz/gif';
import { decodeGif } from './gifDecode';

test('encodeGif: grey frames round-trip exactly (through several LZW code widths), colour within half a palette step', () => {
  const [w, h] = [61, 47];
  const grey = [0, 1, 2].map((f) => ({ width: w, height: h, rgb: Uint8Array.from({ length: w * h * 3 }, (_, i) => (Math.floor(i / 3) * 7 + f * 50) % 256) }));
  const g = decodeGif(encodeGif(grey));
  assert.deepEqual([g.width, g.height, g.frames.length], [w, h, 3]);
  g.frames.forEach((f, k) => f.forEach((v, i) => assert.equal(g.palette[3 * v], grey[k].rgb[3 * i])));
  const colour = [{ width: w, height: h, rgb: Uint8Array.from({ length: w * h * 3 }, (_, i) => [200, (i * 5) % 256, 30][i % 3]) }];
  const c = decodeGif(encodeGif(colour));
  let worst = 0;
  c.frames[0].forEach((v, i) => {
    for (let ch = 0; ch < 3; ch++) worst = Math.max(worst, Math.abs(c.palette[3 * v + ch] - colour[0].rgb[3 * i + ch]));
  });
  assert.ok(worst <= 26, `worst channel error ${worst}`);
  assert.throws(() => encodeGif([]), /at least one frame/);
});
