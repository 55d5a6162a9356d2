// A small separable CMA-ES (Ros & Hansen 2008, "A simple modification in CMA-ES achieving linear
// time and space complexity"): the standard (μ/μ_w, λ)-CMA-ES with a diagonal covariance, which is
// what a merge-recipe search (a few to a few dozen parameters, tens of evaluations) needs. Ask/tell,
// maximising; every draw comes from the package's seeded generator, so a seed fixes the run.
// No npm CMA-ES is maintained (the packages there are unmaintained single-author ports), hence this.
import { Rng } from '../random/index.ts';

export interface CmaEsOptions {
  /** Starting mean (its length is the dimension). */
  mean: number[];
  /** Starting step size (in the coordinates of `mean`). */
  sigma: number;
  /** Population size λ (default 4 + ⌊3 ln d⌋). */
  populationSize?: number;
  seed: number;
  /** Box the samples are clipped into (coordinates), default unbounded. */
  lower?: number;
  upper?: number;
}

/** Default λ = 4 + ⌊3 ln d⌋ (Hansen's). */
export function defaultPopulationSize(dimension: number): number {
  return 4 + Math.floor(3 * Math.log(Math.max(1, dimension)));
}

export class SepCmaEs {
  readonly dimension: number;
  readonly populationSize: number;
  mean: number[];
  sigma: number;
  /** Diagonal of the covariance matrix C. */
  diagonal: number[];
  generation = 0;
  private readonly rng: Rng;
  private readonly mu: number;
  private readonly weights: number[];
  private readonly muEff: number;
  private readonly cc: number;
  private readonly cs: number;
  private readonly c1: number;
  private readonly cmu: number;
  private readonly damps: number;
  private readonly chiN: number;
  private readonly pc: number[];
  private readonly ps: number[];
  private readonly lower: number;
  private readonly upper: number;
  /** z-vectors of the last ask, by sample (to update from the told order). */
  private pending: { x: number[]; z: number[] }[] = [];

  constructor(options: CmaEsOptions) {
    const n = options.mean.length;
    if (n === 0) throw new Error('CMA-ES needs at least one dimension');
    if (!(options.sigma > 0)) throw new Error('CMA-ES needs a positive sigma');
    this.dimension = n;
    this.populationSize = Math.max(2, options.populationSize ?? defaultPopulationSize(n));
    this.mean = [...options.mean];
    this.sigma = options.sigma;
    this.diagonal = new Array(n).fill(1);
    this.rng = new Rng(options.seed);
    this.lower = options.lower ?? -Infinity;
    this.upper = options.upper ?? Infinity;
    const lambda = this.populationSize;
    this.mu = Math.floor(lambda / 2);
    const raw = Array.from({ length: this.mu }, (_, i) => Math.log((lambda + 1) / 2) - Math.log(i + 1));
    const sum = raw.reduce((a, b) => a + b, 0);
    this.weights = raw.map((w) => w / sum);
    this.muEff = 1 / this.weights.reduce((a, w) => a + w * w, 0);
    const mueff = this.muEff;
    this.cc = (4 + mueff / n) / (n + 4 + (2 * mueff) / n);
    this.cs = (mueff + 2) / (n + mueff + 5);
    const c1 = 2 / ((n + 1.3) ** 2 + mueff);
    const cmu = Math.min(1 - c1, (2 * (mueff - 2 + 1 / mueff)) / ((n + 2) ** 2 + mueff));
    // Separable variant: learning rates scaled by (n + 2) / 3 (Ros & Hansen).
    const scale = (n + 2) / 3;
    this.c1 = Math.min(1, c1 * scale);
    this.cmu = Math.min(1 - this.c1, cmu * scale);
    this.damps = 1 + 2 * Math.max(0, Math.sqrt((mueff - 1) / (n + 1)) - 1) + this.cs;
    this.chiN = Math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));
    this.pc = new Array(n).fill(0);
    this.ps = new Array(n).fill(0);
  }

  /** Draws one generation of `populationSize` points (clipped into the box). */
  ask(): number[][] {
    this.pending = [];
    for (let k = 0; k < this.populationSize; k++) {
      const z = Array.from({ length: this.dimension }, () => this.rng.normal());
      const x = z.map((zi, i) =>
        clip(
          (this.mean[i] as number) + this.sigma * Math.sqrt(this.diagonal[i] as number) * zi,
          this.lower,
          this.upper,
        ),
      );
      this.pending.push({ x, z });
    }
    return this.pending.map((p) => [...p.x]);
  }

  /** Updates the distribution from the fitness (higher is better) of each point of the last ask. */
  tell(fitness: number[]): void {
    if (fitness.length !== this.pending.length)
      throw new Error(`tell needs ${this.pending.length} fitness values, got ${fitness.length}`);
    const n = this.dimension;
    const order = fitness
      .map((f, i) => ({ f: Number.isFinite(f) ? f : -Infinity, i }))
      .sort((a, b) => b.f - a.f || a.i - b.i)
      .map((e) => e.i);
    const selected = order.slice(0, this.mu).map((i) => this.pending[i] as { x: number[]; z: number[] });
    const old = [...this.mean];
    // Recombination on the clipped points (what was actually evaluated).
    const y = new Array(n).fill(0);
    for (let i = 0; i < n; i++) {
      let m = 0;
      for (let k = 0; k < this.mu; k++)
        m += (this.weights[k] as number) * ((selected[k] as { x: number[] }).x[i] as number);
      this.mean[i] = m;
      y[i] = (m - (old[i] as number)) / this.sigma;
    }
    // Step-size path (C^{-1/2} is diagonal here).
    const csn = Math.sqrt(this.cs * (2 - this.cs) * this.muEff);
    for (let i = 0; i < n; i++) {
      this.ps[i] =
        (1 - this.cs) * (this.ps[i] as number) +
        (csn * (y[i] as number)) / Math.sqrt(this.diagonal[i] as number);
    }
    const psNorm = Math.sqrt(this.ps.reduce((a, v) => a + v * v, 0));
    this.generation++;
    const hsig =
      psNorm / Math.sqrt(1 - (1 - this.cs) ** (2 * this.generation)) / this.chiN < 1.4 + 2 / (n + 1) ? 1 : 0;
    const ccn = Math.sqrt(this.cc * (2 - this.cc) * this.muEff);
    for (let i = 0; i < n; i++)
      this.pc[i] = (1 - this.cc) * (this.pc[i] as number) + hsig * ccn * (y[i] as number);
    for (let i = 0; i < n; i++) {
      let rankMu = 0;
      for (let k = 0; k < this.mu; k++) {
        const yi = (((selected[k] as { x: number[] }).x[i] as number) - (old[i] as number)) / this.sigma;
        rankMu += (this.weights[k] as number) * yi * yi;
      }
      const c = this.diagonal[i] as number;
      const pci = this.pc[i] as number;
      this.diagonal[i] =
        (1 - this.c1 - this.cmu) * c +
        this.c1 * (pci * pci + (1 - hsig) * this.cc * (2 - this.cc) * c) +
        this.cmu * rankMu;
    }
    this.sigma *= Math.exp((this.cs / this.damps) * (psNorm / this.chiN - 1));
    this.pending = [];
  }
}

function clip(value: number, lower: number, upper: number): number {
  return Math.min(upper, Math.max(lower, value));
}
