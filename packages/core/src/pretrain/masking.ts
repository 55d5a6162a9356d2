import type { Rng } from '../bert/rng.ts';

export interface MaskedBatch {
  /** Input ids after masking, [B][L]. */
  ids: number[][];
  /** Flat positions (row·L + column) that the loss scores. */
  positions: number[];
  /** Original ids at those positions. */
  labels: number[];
}

export interface MaskingOptions {
  maskId: number;
  vocabSize: number;
  /** Ids never selected (CLS, SEP, PAD, …) and never drawn as random replacements. */
  specialIds: ReadonlySet<number>;
  /** Fraction of real tokens selected (BERT: 0.15). */
  probability?: number;
}

/**
 * BERT's masked-LM corruption (Devlin et al. 2019, §3.1): each real, non-special token is selected
 * with probability 0.15; a selected token becomes [MASK] 80% of the time, a random token 10%, and
 * stays itself 10%; the loss is computed on selected positions only. At least one position per
 * batch is selected so the loss is defined. Example: with rng draws forcing selection of "sad" in
 * [CLS] i am sad [SEP] and the 80% branch → [CLS] i am [MASK] [SEP], label "sad".
 */
export function maskTokens(ids: number[][], mask: number[][], rng: Rng, o: MaskingOptions): MaskedBatch {
  const p = o.probability ?? 0.15;
  const L = ids[0]?.length ?? 0;
  const out = ids.map((row) => [...row]);
  const positions: number[] = [];
  const labels: number[] = [];
  const candidates: [number, number][] = [];
  const randomToken = () => {
    for (;;) {
      const t = rng.int(o.vocabSize);
      if (!o.specialIds.has(t)) return t;
    }
  };
  const corrupt = (r: number, c: number) => {
    const row = out[r] as number[];
    const original = row[c] as number;
    positions.push(r * L + c);
    labels.push(original);
    const u = rng.next();
    if (u < 0.8) row[c] = o.maskId;
    else if (u < 0.9) row[c] = randomToken();
  };
  ids.forEach((row, r) => {
    row.forEach((id, c) => {
      if (mask[r]?.[c] !== 1 || o.specialIds.has(id)) return;
      candidates.push([r, c]);
      if (rng.next() < p) corrupt(r, c);
    });
  });
  if (positions.length === 0 && candidates.length > 0) {
    const [r, c] = candidates[rng.int(candidates.length)] as [number, number];
    corrupt(r, c);
  }
  return { ids: out, positions, labels };
}
