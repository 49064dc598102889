/** Convolution shapes the kernel tests run: strides 1-3, same/valid, kernels 1-5, odd and non-square sizes. */
export interface Case {
  n: number;
  h: number;
  w: number;
  ci: number;
  co: number;
  k: number;
  kw?: number;
  stride: number | [number, number];
  pad: 'same' | 'valid';
}

export const cases: Case[] = [];
for (const stride of [1, 2, 3] as const) {
  for (const k of [1, 2, 3, 4, 5]) {
    for (const pad of ['same', 'valid'] as const) {
      if (pad === 'valid' && k > 5) continue;
      cases.push({ n: 2, h: 7 + stride, w: 9, ci: 3, co: 5, k, stride, pad });
    }
  }
}
cases.push({ n: 3, h: 8, w: 8, ci: 16, co: 8, k: 4, stride: 2, pad: 'same' });
cases.push({ n: 1, h: 11, w: 6, ci: 4, co: 7, k: 3, kw: 2, stride: [2, 1], pad: 'same' });
cases.push({ n: 2, h: 13, w: 10, ci: 5, co: 3, k: 5, kw: 3, stride: [3, 2], pad: 'valid' });
