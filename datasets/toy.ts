import { gaussian, rng } from './random';

/**
 * Toy distributions, generated and seeded. The 2-D mixtures expose their mode centres and σ so that mode
 * coverage can be measured the PacGAN way (a sample is high quality within 3σ of a centre).
 */
export interface ToyMixture {
  name: string;
  /** Mode centres, [x, y]. */
  centres: [number, number][];
  /** Standard deviation of every mode. */
  sigma: number;
  /** `n` samples as a flat [x0, y0, x1, y1, …] array. */
  sample(n: number, seed?: number): Float32Array;
}

function mixture(name: string, centres: [number, number][], sigma: number): ToyMixture {
  return {
    name,
    centres,
    sigma,
    sample(n, seed = 0) {
      const u = rng(seed);
      const g = gaussian(u);
      const out = new Float32Array(2 * n);
      for (let i = 0; i < n; i++) {
        const [cx, cy] = centres[Math.floor(u() * centres.length)];
        out[2 * i] = cx + sigma * g();
        out[2 * i + 1] = cy + sigma * g();
      }
      return out;
    },
  };
}

/** PacGAN's ring: 8 equal modes on the unit circle, σ = 0.01. */
export function ring8(): ToyMixture {
  const centres = Array.from({ length: 8 }, (_, k) => [Math.cos((2 * Math.PI * k) / 8), Math.sin((2 * Math.PI * k) / 8)] as [number, number]);
  return mixture('ring8', centres, 0.01);
}

/** PacGAN's grid: 25 modes at {−4, −2, 0, 2, 4}², σ = 0.05. */
export function grid25(): ToyMixture {
  const v = [-4, -2, 0, 2, 4];
  return mixture('grid25', v.flatMap((x) => v.map((y) => [x, y] as [number, number])), 0.05);
}

/** A two-arm spiral with radial noise (no discrete modes: for visual checks). */
export function spiral(noise = 0.05) {
  return {
    name: 'spiral',
    sample(n: number, seed = 0): Float32Array {
      const u = rng(seed);
      const g = gaussian(u);
      const out = new Float32Array(2 * n);
      for (let i = 0; i < n; i++) {
        const t = Math.sqrt(u()) * 3 * Math.PI;
        const arm = u() < 0.5 ? 1 : -1;
        out[2 * i] = (arm * t * Math.cos(t)) / (3 * Math.PI) + noise * g();
        out[2 * i + 1] = (arm * t * Math.sin(t)) / (3 * Math.PI) + noise * g();
      }
      return out;
    },
  };
}

/** A 1-D mixture of two Gaussians, for the minimax notebook's optimal discriminator p_data/(p_data + p_g). */
export function bimodal1d(o: { means?: [number, number]; sigma?: number; weight?: number } = {}) {
  const [m1, m2] = o.means ?? [-2, 2];
  const sigma = o.sigma ?? 0.5;
  const w = o.weight ?? 0.5;
  return {
    name: 'bimodal1d',
    means: [m1, m2] as [number, number],
    sigma,
    /** The density, for plotting D* against p_data. */
    density(x: number): number {
      const n = (m: number) => Math.exp(-((x - m) ** 2) / (2 * sigma * sigma)) / (sigma * Math.sqrt(2 * Math.PI));
      return w * n(m1) + (1 - w) * n(m2);
    },
    sample(n: number, seed = 0): Float32Array {
      const u = rng(seed);
      const g = gaussian(u);
      return Float32Array.from({ length: n }, () => (u() < w ? m1 : m2) + sigma * g());
    },
  };
}
