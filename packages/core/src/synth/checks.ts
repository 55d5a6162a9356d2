// Checks on generated texts: near-duplicates of real rows and of each other (word 3-gram shingles,
// MinHash signatures to estimate Jaccard similarity, exact Jaccard to confirm), a few-shot example
// copied back, length against the real rows' distribution, and a diversity figure for a batch.

/** Lower-case word tokens (letters and digits of any script). */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Hashed word k-shingles of a text (texts shorter than k words give one shingle of all words). */
export function shingles(text: string, k = 3): Set<number> {
  const w = words(text);
  const out = new Set<number>();
  if (w.length === 0) return out;
  if (w.length < k) out.add(fnv1a(w.join(' ')));
  for (let i = 0; i + k <= w.length; i++) out.add(fnv1a(w.slice(i, i + k).join(' ')));
  return out;
}

export function jaccard(a: ReadonlySet<number>, b: ReadonlySet<number>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let inter = 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const x of small) if (large.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

export const MINHASH_SIZE = 64;
// Fixed odd multipliers and offsets for the universal hashes h(x) = (a·x + b) mod 2³².
const HASH_A = Array.from({ length: MINHASH_SIZE }, (_, i) => (fnv1a(`a${i}`) | 1) >>> 0);
const HASH_B = Array.from({ length: MINHASH_SIZE }, (_, i) => fnv1a(`b${i}`));

/** MinHash signature of a shingle set (MINHASH_SIZE minimums). */
export function minhash(set: ReadonlySet<number>): Uint32Array {
  const sig = new Uint32Array(MINHASH_SIZE).fill(0xffffffff);
  for (const x of set) {
    for (let i = 0; i < MINHASH_SIZE; i++) {
      const h = (Math.imul(HASH_A[i] as number, x) + (HASH_B[i] as number)) >>> 0;
      if (h < (sig[i] as number)) sig[i] = h;
    }
  }
  return sig;
}

/** Estimated Jaccard similarity: the share of equal signature positions. */
export function minhashSimilarity(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let i = 0; i < MINHASH_SIZE; i++) if (a[i] === b[i]) same++;
  return same / MINHASH_SIZE;
}

export interface TReferenceText {
  id: string;
  text: string;
}

interface TIndexed {
  id: string;
  set: Set<number>;
  sig: Uint32Array;
}

/** Shingle sets and signatures of reference texts, built once per batch. */
export function indexTexts(texts: readonly TReferenceText[]): TIndexed[] {
  return texts.map(({ id, text }) => {
    const set = shingles(text);
    return { id, set, sig: minhash(set) };
  });
}

/** The most similar indexed text (MinHash to shortlist, exact Jaccard to confirm), or null. */
export function nearest(
  text: string,
  index: readonly TIndexed[],
  { shortlist = 0.2, skipId }: { shortlist?: number; skipId?: string } = {},
): { id: string; similarity: number } | null {
  const set = shingles(text);
  const sig = minhash(set);
  let best: { id: string; similarity: number } | null = null;
  for (const entry of index) {
    if (entry.id === skipId) continue;
    if (minhashSimilarity(sig, entry.sig) < shortlist) continue;
    const similarity = jaccard(set, entry.set);
    if (!best || similarity > best.similarity) best = { id: entry.id, similarity };
  }
  return best;
}

/** Jaccard at or above which a text counts as a near-duplicate. */
export const NEAR_DUPLICATE = 0.5;

export interface TLengthReference {
  /** Sorted word counts of the real rows. */
  sorted: number[];
}

export function lengthReference(texts: readonly string[]): TLengthReference {
  return { sorted: texts.map((t) => words(t).length).sort((a, b) => a - b) };
}

/** Share of real rows (0..1) shorter than this many words; null without real rows. */
export function lengthPercentile(count: number, ref: TLengthReference): number | null {
  const n = ref.sorted.length;
  if (n === 0) return null;
  let below = 0;
  let equal = 0;
  for (const v of ref.sorted) {
    if (v < count) below++;
    else if (v === count) equal++;
  }
  return (below + equal / 2) / n;
}

export interface TTextCheck {
  words: number;
  /** Where the length falls among the real rows (0..1), and whether it is outside the middle 95%. */
  lengthPercentile: number | null;
  lengthOutlier: boolean;
  nearestReal: { rowId: string; similarity: number } | null;
  /** The nearest real row is at least NEAR_DUPLICATE similar. */
  nearDuplicateOfReal: boolean;
  /** A few-shot example of this text's prompt came back (near-)verbatim. */
  copiedFewShot: boolean;
  /** Another generated text of the batch at least NEAR_DUPLICATE similar. */
  duplicateOf: { textId: string; similarity: number } | null;
}

/**
 * Checks each generated text against the real rows and the other generated texts. `fewShot` lists
 * the real row ids each generated text's prompt carried.
 */
export function checkTexts(
  generated: readonly (TReferenceText & { fewShotRowIds?: readonly string[] })[],
  real: readonly TReferenceText[],
): Map<string, TTextCheck> {
  const realIndex = indexTexts(real);
  const genIndex = indexTexts(generated);
  const ref = lengthReference(real.map((r) => r.text));
  const out = new Map<string, TTextCheck>();
  for (const g of generated) {
    const count = words(g.text).length;
    const pct = lengthPercentile(count, ref);
    const near = nearest(g.text, realIndex);
    const dup = nearest(g.text, genIndex, { skipId: g.id });
    let copied = false;
    if (g.fewShotRowIds?.length) {
      const shots = realIndex.filter((r) => g.fewShotRowIds?.includes(r.id));
      const shot = nearest(g.text, shots, { shortlist: 0 });
      copied = !!shot && shot.similarity >= NEAR_DUPLICATE;
    }
    out.set(g.id, {
      words: count,
      lengthPercentile: pct,
      lengthOutlier: pct !== null && (pct < 0.025 || pct > 0.975),
      nearestReal: near ? { rowId: near.id, similarity: near.similarity } : null,
      nearDuplicateOfReal: !!near && near.similarity >= NEAR_DUPLICATE,
      copiedFewShot: copied,
      duplicateOf:
        dup && dup.similarity >= NEAR_DUPLICATE ? { textId: dup.id, similarity: dup.similarity } : null,
    });
  }
  return out;
}

/**
 * Diversity of a batch: 1 − the mean pairwise Jaccard similarity of the texts' shingles (1 = no
 * shared word 3-grams, 0 = all the same), and distinct-2 (unique word bigrams / all bigrams).
 * Pairs are sampled deterministically above 200 texts.
 */
export function batchDiversity(texts: readonly string[]): {
  diversity: number | null;
  distinct2: number | null;
} {
  if (texts.length === 0) return { diversity: null, distinct2: null };
  const sets = texts.map((t) => shingles(t));
  let sum = 0;
  let pairs = 0;
  const step = texts.length > 200 ? Math.ceil(texts.length / 200) : 1;
  for (let i = 0; i < sets.length; i += step)
    for (let j = i + 1; j < sets.length; j += step) {
      sum += jaccard(sets[i] as Set<number>, sets[j] as Set<number>);
      pairs++;
    }
  const bigrams = new Set<string>();
  let total = 0;
  for (const t of texts) {
    const w = words(t);
    for (let i = 0; i + 1 < w.length; i++) {
      bigrams.add(`${w[i]} ${w[i + 1]}`);
      total++;
    }
  }
  return { diversity: pairs ? 1 - sum / pairs : null, distinct2: total ? bigrams.size / total : null };
}
