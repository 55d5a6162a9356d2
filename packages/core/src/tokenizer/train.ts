import { basicTokenize } from './basic.ts';
import { TokenizerError } from './wordpiece.ts';

export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

export interface BuildVocabOptions {
  vocabSize: number;
  lowerCase: boolean;
  /** Pairs seen fewer times than this are never merged (default 2). */
  minFrequency?: number;
}

interface HeapItem {
  count: number;
  key: string;
}

/** Max-heap on (count desc, key asc) with lazy invalidation: stale entries are skipped on pop. */
class PairHeap {
  private items: HeapItem[] = [];
  private before(a: HeapItem, b: HeapItem): boolean {
    return a.count > b.count || (a.count === b.count && a.key < b.key);
  }
  push(item: HeapItem): void {
    const h = this.items;
    h.push(item);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(h[i] as HeapItem, h[p] as HeapItem)) break;
      [h[i], h[p]] = [h[p] as HeapItem, h[i] as HeapItem];
      i = p;
    }
  }
  pop(): HeapItem | undefined {
    const h = this.items;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < h.length && this.before(h[l] as HeapItem, h[best] as HeapItem)) best = l;
        if (r < h.length && this.before(h[r] as HeapItem, h[best] as HeapItem)) best = r;
        if (best === i) break;
        [h[i], h[best]] = [h[best] as HeapItem, h[i] as HeapItem];
        i = best;
      }
    }
    return top;
  }
}

const SEP = '\u0000';

/**
 * Trains a WordPiece vocabulary from raw texts the way the tokenizers library does: BPE merges over
 * word counts where non-initial pieces carry the `##` prefix. Order of the result: the special
 * tokens [PAD] [UNK] [CLS] [SEP] [MASK] (ids 0–4), then single characters and `##`characters by
 * frequency, then merged pieces in merge order (most frequent adjacent pair first, ties by text),
 * until `vocabSize` entries or no pair occurs `minFrequency` times.
 * @example buildWordPieceVocab(['low lower lowest'], { vocabSize: 30, lowerCase: true })
 */
export function buildWordPieceVocab(corpus: Iterable<string>, options: BuildVocabOptions): string[] {
  const { vocabSize, lowerCase, minFrequency = 2 } = options;
  if (!Number.isInteger(vocabSize) || vocabSize < SPECIAL_TOKENS.length) {
    throw new TokenizerError(`vocabSize ${vocabSize} must be an integer ≥ ${SPECIAL_TOKENS.length}`);
  }
  const wordCounts = new Map<string, number>();
  for (const text of corpus) {
    for (const w of basicTokenize(text, { lowerCase, tokenizeChineseChars: true })) {
      wordCounts.set(w, (wordCounts.get(w) ?? 0) + 1);
    }
  }
  const words: string[][] = [];
  const freqs: number[] = [];
  const symbolCounts = new Map<string, number>();
  for (const [w, n] of wordCounts) {
    const symbols = Array.from(w).map((ch, i) => (i === 0 ? ch : `##${ch}`));
    words.push(symbols);
    freqs.push(n);
    for (const s of symbols) symbolCounts.set(s, (symbolCounts.get(s) ?? 0) + n);
  }
  const byFrequency = (a: [string, number], b: [string, number]) =>
    b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  const alphabet = [...symbolCounts].sort(byFrequency).map(([s]) => s);
  const initials = alphabet.filter((s) => !s.startsWith('##'));
  const continuations = alphabet.filter((s) => s.startsWith('##'));
  const vocab: string[] = [...SPECIAL_TOKENS, ...initials, ...continuations].slice(0, vocabSize);
  const inVocab = new Set(vocab);

  const pairCounts = new Map<string, number>();
  const pairWords = new Map<string, Set<number>>();
  const heap = new PairHeap();
  const addPairs = (w: number, sign: 1 | -1, touched: Set<string>) => {
    const s = words[w] as string[];
    for (let i = 0; i + 1 < s.length; i++) {
      const key = `${s[i]}${SEP}${s[i + 1]}`;
      pairCounts.set(key, (pairCounts.get(key) ?? 0) + sign * (freqs[w] as number));
      if (sign > 0) {
        const set = pairWords.get(key);
        if (set) set.add(w);
        else pairWords.set(key, new Set([w]));
      }
      touched.add(key);
    }
  };
  const initial = new Set<string>();
  for (let w = 0; w < words.length; w++) addPairs(w, 1, initial);
  for (const key of initial) heap.push({ key, count: pairCounts.get(key) as number });

  while (vocab.length < vocabSize) {
    const top = heap.pop();
    if (!top) break;
    if (pairCounts.get(top.key) !== top.count) continue; // stale entry
    if (top.count < minFrequency) break;
    const [a, b] = top.key.split(SEP) as [string, string];
    const merged = a + b.slice(2);
    const touched = new Set<string>();
    for (const w of pairWords.get(top.key) ?? []) {
      const s = words[w] as string[];
      addPairs(w, -1, touched);
      const next: string[] = [];
      for (let i = 0; i < s.length; i++) {
        if (i + 1 < s.length && s[i] === a && s[i + 1] === b) {
          next.push(merged);
          i++;
        } else {
          next.push(s[i] as string);
        }
      }
      words[w] = next;
      addPairs(w, 1, touched);
    }
    pairWords.delete(top.key);
    for (const key of touched) {
      const count = pairCounts.get(key) as number;
      if (count > 0) heap.push({ key, count });
    }
    if (!inVocab.has(merged)) {
      inVocab.add(merged);
      vocab.push(merged);
    }
  }
  return vocab;
}
