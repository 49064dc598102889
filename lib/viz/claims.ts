import { inNotebook, sendBundle } from './notebook';

/**
 * A notebook's central claims, stated where they are measured. Each is a sentence of the prose as a value and the
 * bound the sentence asserts; `claim` judges it and records it in the cell's outputs, which the notebook runner
 * checks in quick mode and the publisher (`npm run notebooks -- --full --publish`) requires to hold before a full
 * run is published. So the numbers a learner reads and the prose beside them cannot drift apart unnoticed.
 */

/** The MIME type a claim is recorded under: no frontend renders it, so the reader's flow stays the prose's. */
export const CLAIM_MIME = 'application/vnd.biggan-ts.claim+json';

/** What a claim's value must satisfy. */
export type Bound = { below: number } | { above: number } | { between: [number, number] } | { equals: number | boolean | string };

/** A judged claim, as printed and as recorded in the showcase's manifest. */
export interface Claim {
  /** The sentence the prose makes, short. */
  name: string;
  value: number | boolean | string;
  /** The bound, readable: '< 0.15', '> 10', 'in [0.5, 1]', '= true'. */
  bound: string;
  holds: boolean;
}

/** Judges a claim against its bound, without recording it. */
export function judgeClaim(name: string, value: number | boolean | string, bound: Bound): Claim {
  const isNumber = typeof value === 'number';
  if ('below' in bound) return { name, value, bound: `< ${bound.below}`, holds: isNumber && value < bound.below };
  if ('above' in bound) return { name, value, bound: `> ${bound.above}`, holds: isNumber && value > bound.above };
  if ('between' in bound) {
    const [lo, hi] = bound.between;
    return { name, value, bound: `in [${lo}, ${hi}]`, holds: isNumber && value >= lo && value <= hi };
  }
  return { name, value, bound: `= ${bound.equals}`, holds: value === bound.equals };
}

/**
 * Judges one claim and records it — in a notebook as an output of its own MIME type, which readers do not see;
 * elsewhere as a printed `claim: {…}` line. A claim that does not hold is recorded, not thrown: the notebook runs
 * on, and the runner and publisher report it. It returns nothing, so that a claim ending a notebook cell adds no
 * echoed value to what the learner reads; `judgeClaim` gives the verdict to a script.
 */
export function claim(name: string, value: number | boolean | string, bound: Bound): void {
  const c = judgeClaim(name, value, bound);
  if (inNotebook()) sendBundle({ [CLAIM_MIME]: c, 'text/plain': '' });
  else console.log(`claim: ${JSON.stringify(c)}`);
}
