// The atlas figures of one tensor (atlas.ts, subspace.ts) and their sums per layer and module, in
// the shape analyze.ts writes into the report.
import {
  addConflictCounts,
  conflictRates,
  emptyConflictCounts,
  type SignConflictCounts,
  signConflictCounts,
  tiesInterference,
} from './atlas.ts';
import { energyInSubspace, topSingularSubspace } from './subspace.ts';

export interface AtlasOptions {
  /** Density of the TIES merge whose interference is measured; null skips it. */
  tiesDensity: number | null;
  /** k of the base weight's top singular subspace (2-D weights); 0 skips it. */
  topK: number;
}

/** Per tensor, or summed over a group. */
export interface AtlasSums {
  conflict: SignConflictCounts | null;
  /** Σ‖Δ_k‖², and what TIES trims / overrules of it (all K-long). */
  energy: Float64Array;
  trimmed: Float64Array | null;
  overruled: Float64Array | null;
  /** Over 2-D weights only: Σ‖Δ_k‖² and the part inside the base's top-k subspace. */
  matrixEnergy: Float64Array;
  inside: Float64Array | null;
  /** Σ k² and Σ rows·cols over those weights (the chance level of `inside`, pooled). */
  chanceNumerator: number;
  chanceDenominator: number;
}

/** The atlas fields of a tensor's or group's report. */
export interface AtlasFigures {
  /** Sign-conflict rate of the K ≥ 2 tuning vectors, and per pair (K×K). */
  signConflict?: number;
  signConflictPairs?: number[][];
  /** Share of Δ's energy a random direction would put in the top-k subspace: k²/(rows·cols). */
  subspaceChance?: number;
}

/** The per-model atlas fields of a TensorChange / GroupChange. */
export interface AtlasChange {
  /** Share of ‖Δ‖² a TIES merge at the analysis' density trims. */
  tiesTrimmed?: number;
  /** Share of ‖Δ‖² kept by the trim but outvoted by the elected sign. */
  tiesOverruled?: number;
  /** Share of ‖Δ‖² inside the base weight's top-k singular subspace (2-D weights). */
  inBaseSubspace?: number;
}

export function emptySums(K: number, options: AtlasOptions): AtlasSums {
  return {
    conflict: K >= 2 ? emptyConflictCounts(K) : null,
    energy: new Float64Array(K),
    trimmed: options.tiesDensity === null ? null : new Float64Array(K),
    overruled: options.tiesDensity === null ? null : new Float64Array(K),
    matrixEnergy: new Float64Array(K),
    inside: options.topK > 0 ? new Float64Array(K) : null,
    chanceNumerator: 0,
    chanceDenominator: 0,
  };
}

/** Atlas figures of one tensor: `deltas` are its K tuning vectors, `cut` the changed threshold. */
export function tensorAtlas(
  shape: number[],
  base: Float32Array,
  deltas: Float32Array[],
  cut: number,
  options: AtlasOptions,
  seed: number,
): AtlasSums {
  const K = deltas.length;
  const sums = emptySums(K, options);
  if (sums.conflict) addConflictCounts(sums.conflict, signConflictCounts(deltas, cut));
  for (const [k, delta] of deltas.entries()) {
    let e = 0;
    for (let i = 0; i < delta.length; i++) e += (delta[i] as number) ** 2;
    sums.energy[k] = e;
  }
  if (options.tiesDensity !== null && sums.trimmed && sums.overruled) {
    const ties = tiesInterference(deltas, options.tiesDensity);
    sums.trimmed.set(ties.trimmed);
    sums.overruled.set(ties.overruled);
  }
  const [rows, cols] = shape as [number, number];
  if (sums.inside && shape.length === 2 && rows > 1 && cols > 1) {
    const subspace = topSingularSubspace(base, rows, cols, options.topK, { seed });
    sums.matrixEnergy.set(sums.energy);
    for (const [k, delta] of deltas.entries()) sums.inside[k] = energyInSubspace(delta, rows, cols, subspace);
    sums.chanceNumerator = subspace.k ** 2;
    sums.chanceDenominator = rows * cols;
  }
  return sums;
}

export function addSums(into: AtlasSums, from: AtlasSums): void {
  if (into.conflict && from.conflict) addConflictCounts(into.conflict, from.conflict);
  const add = (a: Float64Array | null, b: Float64Array | null) => {
    if (a && b) for (let i = 0; i < a.length; i++) a[i] = (a[i] as number) + (b[i] as number);
  };
  add(into.energy, from.energy);
  add(into.trimmed, from.trimmed);
  add(into.overruled, from.overruled);
  add(into.matrixEnergy, from.matrixEnergy);
  add(into.inside, from.inside);
  into.chanceNumerator += from.chanceNumerator;
  into.chanceDenominator += from.chanceDenominator;
}

const round = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(6)) : x);
const share = (part: number, whole: number) => round(whole > 0 ? part / whole : 0);

/** The report fields shared by the models (conflict, chance level). */
export function atlasFigures(sums: AtlasSums, K: number): AtlasFigures {
  const out: AtlasFigures = {};
  if (sums.conflict) {
    const { rate, pairs } = conflictRates(sums.conflict, K);
    out.signConflict = round(rate);
    out.signConflictPairs = pairs.map((row) => row.map(round));
  }
  if (sums.inside && sums.chanceDenominator > 0)
    out.subspaceChance = share(sums.chanceNumerator, sums.chanceDenominator);
  return out;
}

/** Model k's atlas fields. */
export function atlasChange(sums: AtlasSums, k: number): AtlasChange {
  const out: AtlasChange = {};
  const energy = sums.energy[k] as number;
  if (sums.trimmed && sums.overruled) {
    out.tiesTrimmed = share(sums.trimmed[k] as number, energy);
    out.tiesOverruled = share(sums.overruled[k] as number, energy);
  }
  if (sums.inside && sums.chanceDenominator > 0)
    out.inBaseSubspace = share(sums.inside[k] as number, sums.matrixEnergy[k] as number);
  return out;
}
