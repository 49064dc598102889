import { meanStd, type MeanStd } from './spread';

/**
 * Inception Score (Salimans et al., 2016) from class probabilities p(y|x) of n samples over k classes:
 *
 *   IS = exp( E_x KL( p(y|x) ‖ p(y) ) ),   p(y) = E_x p(y|x),
 *
 * computed on `splits` equal parts (default 10, as the original code) and reported as mean ± std over them. It is
 * high when each sample is confidently one class and the classes are evenly used; its maximum is k.
 */
export function inceptionScore(probs: ArrayLike<number>, classes: number, o: { splits?: number } = {}): MeanStd {
  const n = probs.length / classes;
  const splits = o.splits ?? 10;
  if (!Number.isInteger(n) || n < splits) throw new Error(`inceptionScore: need at least ${splits} samples of ${classes} probabilities, got ${probs.length} values`);
  const scores: number[] = [];
  const size = Math.floor(n / splits);
  for (let s = 0; s < splits; s++) {
    const marginal = new Float64Array(classes);
    for (let i = s * size; i < (s + 1) * size; i++) for (let c = 0; c < classes; c++) marginal[c] += probs[i * classes + c] / size;
    let kl = 0;
    for (let i = s * size; i < (s + 1) * size; i++) {
      for (let c = 0; c < classes; c++) {
        const p = probs[i * classes + c];
        if (p > 0) kl += p * (Math.log(p) - Math.log(marginal[c]));
      }
    }
    scores.push(Math.exp(kl / size));
  }
  return meanStd(scores);
}
