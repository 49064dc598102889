/**
 * Modes of Stacked MNIST samples (PacGAN/VEEGAN protocol): each of the three channels is classified as a digit, the
 * triple is the mode (of 1000); reports how many modes were hit and KL(mode histogram ‖ uniform over 1000).
 */
export function stackedMnistModes(digits: [Int32Array, Int32Array, Int32Array]): { modes: number; klFromUniform: number; samples: number } {
  const n = digits[0].length;
  const counts = new Float64Array(1000);
  for (let i = 0; i < n; i++) counts[100 * digits[0][i] + 10 * digits[1][i] + digits[2][i]]++;
  let kl = 0;
  let modes = 0;
  for (const c of counts) {
    if (c === 0) continue;
    modes++;
    kl += (c / n) * Math.log((c / n) * 1000);
  }
  return { modes, klFromUniform: kl, samples: n };
}
