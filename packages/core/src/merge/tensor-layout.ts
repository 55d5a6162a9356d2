import type { SafetensorsReader, TensorInfo } from '../safetensors/index.ts';
import { isHeadTensor, MergeRefusedError } from './model-folder.ts';

/**
 * Which tensors a merge writes and where each comes from: the rule for checkpoints whose heads
 * differ (README, "Heads"). A masked-LM base (BertForMaskedLM, BertForPreTraining, TuneLab's own
 * pretrained model) holds `cls.predictions.*` and often no pooler; its fine-tunes
 * (BertForSequenceClassification) hold `bert.pooler.*` and `classifier.*` instead.
 *
 * - **Shared** tensors (in the base and in every merged model, one shape) are merged by the method.
 *   With `head_source`, head tensors (`classifier.*`, `cls.*`) are copied from that model instead.
 * - **Added** tensors (absent from the base, e.g. the pooler and the classifier of fine-tunes of a
 *   masked-LM base) have no task vector: they are copied from `head_source` when it is set, else
 *   averaged over the merged models (Σ wᵢθᵢ / Σ wᵢ with the models' weights, equal weights when
 *   the method has none or they sum to 0) — which needs every merged model to hold them with one
 *   shape and the label spaces to agree (checked before, see checkLabelSpaces).
 * - **Dropped** tensors (in the base but in no merged model, e.g. `cls.predictions.*`) are left out
 *   of the output: the merged model is a classifier like its parents, not a masked LM.
 * - Anything else (a tensor only some merged models hold, a base tensor missing from some models,
 *   another shape) is refused, naming the tensor and the models by name.
 *
 * Without a base (linear) the first model plays the base's part, so every tensor must be shared.
 * Output order: the base's tensors first, in its order, then the added ones in the order of the
 * first model holding them.
 */
export type TensorSource =
  | { kind: 'merge' }
  /** Copied from reader `from` (head_source). */
  | { kind: 'copy'; from: number }
  /** Averaged over the merged models (readers `from`, in the order of the plan's models). */
  | { kind: 'average'; from: number[] };

export interface LayoutEntry {
  info: TensorInfo;
  source: TensorSource;
}

export interface TensorLayout {
  entries: LayoutEntry[];
  /** Base tensors no merged model holds: left out of the output. */
  dropped: string[];
  /** Tensors absent from the base, taken from head_source or averaged. */
  added: string[];
  /** Non-float tensors (e.g. integer buffers) left out. */
  skipped: string[];
}

export interface LayoutInput {
  /** One reader per input folder, base (or reference) first. */
  readers: SafetensorsReader[];
  /** Model names, one per reader, for messages. */
  names: string[];
  /** Indices (into readers) of the merged models, in plan order; may include 0 when there is no base. */
  merged: number[];
  /** Whether reader 0 is a base whose tensors the merged models' deltas are taken against. */
  hasBase: boolean;
  /** Index of head_source's reader, or null. */
  headSource: number | null;
  /** Whether the merged heads' label spaces differ (for the hint of a shape error). */
  headsDiffer: boolean;
}

const FLOAT_DTYPES = new Set(['F32', 'F16', 'BF16', 'F64']);

export function planTensorLayout(input: LayoutInput): TensorLayout {
  const { readers, names, merged, headSource } = input;
  const reference = readers[0] as SafetensorsReader;
  const entries: LayoutEntry[] = [];
  const dropped: string[] = [];
  const added: string[] = [];
  const skipped: string[] = [];
  const shapeOf = (info: TensorInfo) => info.shape.join('x');
  const fromHead = (name: string) => headSource !== null && isHeadTensor(name);
  const headCopy = (name: string): LayoutEntry | null => {
    const info = readers[headSource as number]?.info(name);
    return info ? { info, source: { kind: 'copy', from: headSource as number } } : null;
  };
  const hint = (name: string) =>
    input.headsDiffer || isHeadTensor(name) ? '; set head_source to keep one model’s head' : '';

  for (const info of reference.tensors) {
    if (!FLOAT_DTYPES.has(info.dtype)) {
      skipped.push(info.name);
      continue;
    }
    if (fromHead(info.name)) {
      // head_source decides the head: its copy, or none when it has no such tensor.
      const copy = headCopy(info.name);
      if (copy) entries.push(copy);
      else dropped.push(info.name);
      continue;
    }
    const holders = merged.filter((i) => readers[i]?.info(info.name));
    if (input.hasBase && holders.length === 0) {
      dropped.push(info.name);
      continue;
    }
    for (const i of merged) {
      const other = readers[i]?.info(info.name);
      if (!other) {
        throw new MergeRefusedError(
          `tensor ${info.name} is in '${names[0]}' but missing from '${names[i]}'${hint(info.name)}`,
        );
      }
      if (shapeOf(other) !== shapeOf(info)) {
        throw new MergeRefusedError(
          `tensor ${info.name} has shape [${other.shape}] in '${names[i]}' but [${info.shape}] in '${names[0]}'${hint(info.name)}`,
        );
      }
    }
    entries.push({ info, source: { kind: 'merge' } });
  }

  const seen = new Set(reference.tensors.map((t) => t.name));
  const candidates = headSource !== null ? [headSource] : merged;
  for (const i of candidates) {
    for (const info of (readers[i] as SafetensorsReader).tensors) {
      if (seen.has(info.name) || !FLOAT_DTYPES.has(info.dtype)) continue;
      seen.add(info.name);
      if (!input.hasBase && headSource === null) {
        throw new MergeRefusedError(
          `tensor ${info.name} is in '${names[i]}' but not in '${names[0]}'${hint(info.name)}`,
        );
      }
      added.push(info.name);
      if (headSource !== null) {
        entries.push({ info, source: { kind: 'copy', from: headSource } });
        continue;
      }
      for (const j of merged) {
        const other = readers[j]?.info(info.name);
        if (!other) {
          throw new MergeRefusedError(
            `tensor ${info.name} is in '${names[i]}' but neither in '${names[j]}' nor in the base '${names[0]}'; ` +
              'set head_source to take it from one model',
          );
        }
        if (shapeOf(other) !== shapeOf(info)) {
          throw new MergeRefusedError(
            `tensor ${info.name} has shape [${other.shape}] in '${names[j]}' but [${info.shape}] in '${names[i]}'; ` +
              'set head_source to keep one model’s head',
          );
        }
      }
      entries.push({ info, source: { kind: 'average', from: merged } });
    }
  }
  // With head_source, tensors only the other models hold (their own heads) are not kept.
  return { entries, dropped, added, skipped };
}
