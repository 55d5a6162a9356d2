import { InputError } from '../errors/index.ts';
import { openModelWeights } from '../merge/model-folder.ts';
import type { SafetensorsReader } from '../safetensors/index.ts';
import type { ActivationsReport } from './activations.ts';
import {
  type AtlasChange,
  type AtlasFigures,
  type AtlasSums,
  addSums,
  atlasChange,
  atlasFigures,
  emptySums,
  tensorAtlas,
} from './atlas-report.ts';
import { effectiveRank, singularValues } from './spectrum.ts';
import { groupTensor, layerOrder, type ModuleKind } from './tensor-groups.ts';

/** The models cannot be compared as given (no tuned model, a tensor missing from one of them). */
export class VectorsError extends InputError {
  override name = 'VectorsError';
}

export interface AnalyzeOptions {
  /** An entry counts as changed when |Δ| > threshold · RMS(θ_base of that tensor). Default 1e-3. */
  threshold?: number;
  /** Share of Σσ² that the effective rank must reach. Default 0.9. */
  energyShare?: number;
  /** Compute singular values of 2-D weights (the slow part). Default true. */
  spectra?: boolean;
  /** Density of the TIES merge whose interference is reported (null: none). Default 0.2. */
  tiesDensity?: number | null;
  /** k of the base weights' top singular subspace for `inBaseSubspace` (0: skip). Default 8. */
  topK?: number;
  onProgress?: (progress: { tensor: string; done: number; total: number }) => void;
  /** Awaited between tensors; throws (e.g. CancelledError) to stop the analysis. */
  throwIfCancelled?: () => Promise<void>;
  /** How the report and its messages name the models (default: their folders): base, then tuned. */
  names?: { base: string; tuned: string[] };
}

export interface TensorChange extends AtlasChange {
  /** ‖Δ‖₂ (Frobenius norm for matrices). */
  norm: number;
  /** ‖Δ‖₂ / ‖θ_base‖₂ (0 when both are 0). */
  relative: number;
  /** Share of entries with |Δ| > threshold · RMS(θ_base). */
  changedShare: number;
  /** Singular values of Δ, largest first (2-D weights only). */
  singularValues?: number[];
  effectiveRank?: number;
}

export interface TensorReport extends AtlasFigures {
  name: string;
  shape: number[];
  layer: string;
  module: ModuleKind;
  baseNorm: number;
  /** One per tuned model, in the order given. */
  changes: TensorChange[];
  /** Cosine similarity of the tuned models' Δ on this tensor (K×K), when K ≥ 2. */
  similarity?: number[][];
}

export interface GroupChange extends AtlasChange {
  norm: number;
  relative: number;
  changedShare: number;
  /** Mean effective rank of the group's 2-D weights (null without any). */
  effectiveRank: number | null;
}

export interface GroupReport extends AtlasFigures {
  layer: string;
  /** A module, or 'all' for a whole layer. */
  module: ModuleKind | 'all';
  parameters: number;
  changes: GroupChange[];
  similarity?: number[][];
}

export interface VectorsReport {
  version: 1;
  base: string;
  tuned: string[];
  options: {
    threshold: number;
    energyShare: number;
    spectra: boolean;
    tiesDensity?: number | null;
    topK?: number;
  };
  definitions: Record<string, string>;
  tensors: TensorReport[];
  /** One entry per (layer, module) present, layers in model order. */
  groups: GroupReport[];
  /** One entry per layer (module 'all'). */
  layers: GroupReport[];
  overall: GroupReport;
  /** Tensors of a tuned model left out (another shape than the base, e.g. a different head). */
  skipped: { model: string; tensor: string; reason: string }[];
  /**
   * Tensors only one side holds, per tuned model: `added` (in the tuned model, not in the base: the
   * pooler and classifier of a fine-tune of a masked-LM base) or `dropped` (in the base only:
   * `cls.predictions.*`). They have no tuning vector; the figures cover the shared tensors.
   */
  unshared: { model: string; tensor: string; side: 'added' | 'dropped'; shape: number[] }[];
  /** Linear CKA of hidden states per layer, when the analysis ran the models on a dataset sample. */
  activations?: ActivationsReport;
}

export const VECTOR_DEFINITIONS = {
  tuningVector:
    'Δ = θ_tuned − θ_base, per tensor (Ilharco et al. 2023, "Editing models with task arithmetic")',
  norm: '‖Δ‖₂: the Euclidean (Frobenius) norm of Δ; for a group, over all its entries',
  relative: '‖Δ‖₂ / ‖θ_base‖₂: how far fine-tuning moved the weights, relative to their size',
  changedShare:
    'share of entries with |Δ| > threshold × RMS(θ_base) of the tensor (absolute threshold where θ_base is all zeros)',
  singularValues:
    'σ₁ ≥ σ₂ ≥ … of Δ for 2-D weights, from the eigenvalues of the smaller Gram matrix in float64',
  effectiveRank:
    'fewest singular values whose Σσ² holds the energy share (default 90%) of ‖Δ‖²_F: how many directions fine-tuning used',
  similarity:
    'cosine similarity ⟨Δ_a, Δ_b⟩ / (‖Δ_a‖‖Δ_b‖) of two tuning vectors, per tensor, per group (concatenated) and overall',
  signConflict:
    'among entries changed in two or more tuning vectors, the share whose changed signs disagree (the sign interference of Yadav et al. 2023, TIES-Merging); per pair in signConflictPairs',
  tiesTrimmed:
    "share of ‖Δ‖² a TIES merge (every weight 1, the analysis' density) trims away: the entries outside each vector's top density by magnitude",
  tiesOverruled:
    'share of ‖Δ‖² the trim keeps but the elected sign (sign of Σ_k trimmed Δ_k) outvotes: what the merge overrules of this model',
  inBaseSubspace:
    "share of ‖Δ‖²_F inside the base weight's top-k singular subspace, ‖U_kᵀ Δ V_k‖² / ‖Δ‖² (amplified existing directions; 1 − share is new directions); subspaceChance k²/(rows·cols) is what a random Δ would give",
  cka: 'linear CKA (Kornblith et al. 2019) of mean-pooled hidden states per layer on a sample of dataset rows: 1 = the same representation up to rotation and scale',
} as const;

interface Accumulator {
  parameters: number;
  base2: number;
  changed: Float64Array;
  /** K×K inner products ⟨Δ_a, Δ_b⟩ (diagonal = ‖Δ_a‖²). */
  dots: Float64Array;
  ranks: number[][];
  atlas: AtlasSums;
}

const round = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(6)) : x);

/**
 * Tuning-vector analysis of one or more fine-tuned models against their base, streamed tensor by
 * tensor (each step holds one tensor per model). Model folders hold `model.safetensors`.
 */
export async function analyzeTuningVectors(
  baseDir: string,
  tunedDirs: string[],
  options: AnalyzeOptions = {},
): Promise<VectorsReport> {
  if (tunedDirs.length === 0) throw new VectorsError('vectors: give at least one tuned model');
  const threshold = options.threshold ?? 1e-3;
  const energyShare = options.energyShare ?? 0.9;
  const spectra = options.spectra ?? true;
  const atlasOptions = {
    tiesDensity: options.tiesDensity === undefined ? 0.2 : options.tiesDensity,
    topK: options.topK ?? 8,
  };
  const density = atlasOptions.tiesDensity;
  if (density !== null && !(density > 0 && density <= 1))
    throw new VectorsError(`vectors: the TIES density must be in (0, 1], got ${density}`);
  if (!Number.isInteger(atlasOptions.topK) || atlasOptions.topK < 0)
    throw new VectorsError(`vectors: top-k must be a whole number ≥ 0, got ${atlasOptions.topK}`);
  const K = tunedDirs.length;
  const baseName = options.names?.base ?? baseDir;
  const tunedNames = tunedDirs.map((dir, k) => options.names?.tuned[k] ?? dir);
  const readers: SafetensorsReader[] = [];
  try {
    readers.push(await openModelWeights(baseName, baseDir));
    for (const [k, dir] of tunedDirs.entries())
      readers.push(await openModelWeights(tunedNames[k] as string, dir));
    const [base, ...tuned] = readers as [SafetensorsReader, ...SafetensorsReader[]];
    const accumulators = new Map<string, Accumulator>();
    const accumulator = (key: string): Accumulator => {
      let acc = accumulators.get(key);
      if (!acc) {
        acc = {
          parameters: 0,
          base2: 0,
          changed: new Float64Array(K),
          dots: new Float64Array(K * K),
          ranks: Array.from({ length: K }, () => []),
          atlas: emptySums(K, atlasOptions),
        };
        accumulators.set(key, acc);
      }
      return acc;
    };
    const tensors: TensorReport[] = [];
    const skipped: VectorsReport['skipped'] = [];
    const unshared: VectorsReport['unshared'] = [];
    const isFloat = (dtype: string) => ['F32', 'F16', 'BF16', 'F64'].includes(dtype);
    const floatTensors = base.tensors.filter((t) => isFloat(t.dtype));
    for (const [k, reader] of tuned.entries()) {
      for (const info of floatTensors)
        if (!reader.info(info.name))
          unshared.push({
            model: tunedNames[k] as string,
            tensor: info.name,
            side: 'dropped',
            shape: info.shape,
          });
      for (const info of reader.tensors)
        if (isFloat(info.dtype) && !base.info(info.name))
          unshared.push({
            model: tunedNames[k] as string,
            tensor: info.name,
            side: 'added',
            shape: info.shape,
          });
    }
    for (const [index, info] of floatTensors.entries()) {
      // Only tensors every tuned model shares with the base (one shape) have tuning vectors.
      const usable = tuned.every((reader, k) => {
        const other = reader.info(info.name);
        if (!other) return false;
        if (other.shape.join('x') === info.shape.join('x')) return true;
        skipped.push({
          model: tunedNames[k] as string,
          tensor: info.name,
          reason: `shape [${other.shape}] vs base [${info.shape}]`,
        });
        return false;
      });
      if (!usable) {
        options.onProgress?.({ tensor: info.name, done: index + 1, total: floatTensors.length });
        continue;
      }
      const baseData = (await base.read(info.name)).data;
      const deltas = await Promise.all(tuned.map(async (reader) => (await reader.read(info.name)).data));
      const n = baseData.length;
      let base2 = 0;
      for (let i = 0; i < n; i++) base2 += (baseData[i] as number) ** 2;
      const rms = Math.sqrt(base2 / Math.max(n, 1));
      const cut = rms > 0 ? threshold * rms : threshold;
      const changed = new Float64Array(K);
      for (const [k, delta] of deltas.entries()) {
        let count = 0;
        for (let i = 0; i < n; i++) {
          const d = (delta[i] as number) - (baseData[i] as number);
          delta[i] = d;
          if (Math.abs(d) > cut) count++;
        }
        changed[k] = count;
      }
      const dots = new Float64Array(K * K);
      for (let a = 0; a < K; a++) {
        for (let b = a; b < K; b++) {
          const x = deltas[a] as Float32Array;
          const y = deltas[b] as Float32Array;
          let s = 0;
          for (let i = 0; i < n; i++) s += (x[i] as number) * (y[i] as number);
          dots[a * K + b] = s;
          dots[b * K + a] = s;
        }
      }
      const atlas = tensorAtlas(info.shape, baseData, deltas, cut, atlasOptions, index + 1);
      const { layer, module } = groupTensor(info.name);
      const isMatrix = spectra && info.shape.length === 2 && n > 1;
      const changes: TensorChange[] = deltas.map((delta, k) => {
        const norm = Math.sqrt(dots[k * K + k] as number);
        const change: TensorChange = {
          norm: round(norm),
          relative: round(base2 > 0 ? norm / Math.sqrt(base2) : 0),
          changedShare: round((changed[k] as number) / n),
          ...atlasChange(atlas, k),
        };
        if (isMatrix) {
          const sigma = singularValues(delta, info.shape[0] as number, info.shape[1] as number);
          change.singularValues = Array.from(sigma, round);
          change.effectiveRank = effectiveRank(sigma, energyShare);
        }
        return change;
      });
      const report: TensorReport = {
        name: info.name,
        shape: info.shape,
        layer,
        module,
        baseNorm: round(Math.sqrt(base2)),
        changes,
        ...atlasFigures(atlas, K),
      };
      if (K > 1) report.similarity = cosineMatrix(dots, K);
      tensors.push(report);
      for (const key of [`${layer}\u0000${module}`, `${layer}\u0000all`, '\u0000overall']) {
        const acc = accumulator(key);
        acc.parameters += n;
        acc.base2 += base2;
        for (let k = 0; k < K; k++) {
          acc.changed[k] = (acc.changed[k] as number) + (changed[k] as number);
          const rank = changes[k]?.effectiveRank;
          if (rank !== undefined) acc.ranks[k]?.push(rank);
        }
        for (let i = 0; i < K * K; i++) acc.dots[i] = (acc.dots[i] as number) + (dots[i] as number);
        addSums(acc.atlas, atlas);
      }
      options.onProgress?.({ tensor: info.name, done: index + 1, total: floatTensors.length });
      await options.throwIfCancelled?.();
    }
    if (tensors.length === 0) {
      throw new VectorsError(
        `vectors: '${tunedNames.join("', '")}' share no tensor with the base '${baseName}' (another architecture?)`,
      );
    }
    const summarize = (key: string): GroupReport => {
      const [layer, module] = key.split('\u0000') as [string, string];
      const acc = accumulators.get(key) as Accumulator;
      const group: GroupReport = {
        layer,
        module: module as ModuleKind | 'all',
        parameters: acc.parameters,
        changes: Array.from({ length: K }, (_, k) => {
          const norm = Math.sqrt(acc.dots[k * K + k] as number);
          const ranks = acc.ranks[k] as number[];
          return {
            norm: round(norm),
            relative: round(acc.base2 > 0 ? norm / Math.sqrt(acc.base2) : 0),
            changedShare: round((acc.changed[k] as number) / acc.parameters),
            effectiveRank: ranks.length > 0 ? round(ranks.reduce((s, r) => s + r, 0) / ranks.length) : null,
            ...atlasChange(acc.atlas, k),
          };
        }),
        ...atlasFigures(acc.atlas, K),
      };
      if (K > 1) group.similarity = cosineMatrix(acc.dots, K);
      return group;
    };
    const keys = [...accumulators.keys()].filter((key) => !key.startsWith('\u0000'));
    const byLayer = (a: string, b: string) =>
      layerOrder(a.split('\u0000')[0] as string) - layerOrder(b.split('\u0000')[0] as string);
    return {
      version: 1,
      base: baseName,
      tuned: tunedNames,
      options: { threshold, energyShare, spectra, ...atlasOptions },
      definitions: { ...VECTOR_DEFINITIONS },
      tensors,
      groups: keys
        .filter((key) => !key.endsWith('\u0000all'))
        .sort(byLayer)
        .map(summarize),
      layers: keys
        .filter((key) => key.endsWith('\u0000all'))
        .sort(byLayer)
        .map(summarize),
      overall: { ...summarize('\u0000overall'), layer: 'all', module: 'all' },
      skipped,
      unshared,
    };
  } finally {
    await Promise.all(readers.map((r) => r.close()));
  }
}

/** cos(a, b) = ⟨Δa, Δb⟩ / (‖Δa‖‖Δb‖) from a K×K table of inner products; 0 where a norm is 0. */
function cosineMatrix(dots: Float64Array, K: number): number[][] {
  return Array.from({ length: K }, (_, a) =>
    Array.from({ length: K }, (_, b) => {
      const denominator = Math.sqrt((dots[a * K + a] as number) * (dots[b * K + b] as number));
      return round(denominator > 0 ? (dots[a * K + b] as number) / denominator : 0);
    }),
  );
}
