import { InputError } from '../errors/index.ts';
import { basicTokenize } from './basic.ts';

/**
 * Hand-written rather than `@huggingface/tokenizers` (npm 0.2.0): BERT's WordPiece is small, this
 * loads from a bare vocab.txt (that package needs a tokenizer.json), adds no dependency, and is
 * checked token-for-token against the reference fixture. A differential run against that package
 * on 20,000 random strings (accents, combining marks, kana, CJK, controls, odd spaces, specials)
 * under four lower-case/strip-accents settings agreed on every string except astral CJK
 * ideographs (U+20000…), which that package splits by UTF-16 code unit and BERT does not.
 */
export interface WordPieceOptions {
  lowerCase: boolean;
  /** null/undefined: strip accents exactly when lower-casing (transformers' default). */
  stripAccents: boolean | null;
  tokenizeChineseChars: boolean;
  unkToken: string;
  clsToken: string;
  sepToken: string;
  padToken: string;
  maskToken: string;
  /** Longer words become a single unknown token. */
  maxInputCharsPerWord: number;
  continuingSubwordPrefix: string;
  /** Further tokens matched verbatim in the raw text before basic tokenization (tokenizer.json added_tokens). */
  addedTokens: readonly string[];
}

export const DEFAULT_WORDPIECE_OPTIONS: Readonly<WordPieceOptions> = Object.freeze({
  lowerCase: true,
  stripAccents: null,
  tokenizeChineseChars: true,
  unkToken: '[UNK]',
  clsToken: '[CLS]',
  sepToken: '[SEP]',
  padToken: '[PAD]',
  maskToken: '[MASK]',
  maxInputCharsPerWord: 100,
  continuingSubwordPrefix: '##',
  addedTokens: [],
});

/** One encoded text: [CLS] tokens… [SEP], unpadded. */
export interface Encoding {
  ids: number[];
  tokens: string[];
  attentionMask: number[];
  tokenTypeIds: number[];
}

/** A padded batch: every row has `length` entries; padding is the pad id with mask 0. */
export interface BatchEncoding {
  ids: number[][];
  tokens: string[][];
  attentionMask: number[][];
  tokenTypeIds: number[][];
  /** Row length after padding. */
  length: number;
}

export interface EncodeBatchOptions {
  /** 'longest': pad to the longest row of this batch; 'max': pad every row to maxLength. */
  padTo?: 'longest' | 'max';
}

export class TokenizerError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'TokenizerError';
  }
}

export class WordPieceTokenizer {
  readonly vocab: readonly string[];
  readonly options: Readonly<WordPieceOptions>;
  private readonly tokenToId: Map<string, number>;
  private readonly specials: string[];
  readonly unkId: number;
  readonly clsId: number;
  readonly sepId: number;
  readonly padId: number;
  readonly maskId: number | undefined;

  /**
   * @param vocab tokens in id order (line i of vocab.txt has id i). A duplicated token maps to its
   * last id, as transformers' load_vocab does.
   */
  constructor(vocab: readonly string[], options: Partial<WordPieceOptions> = {}, source = 'vocabulary') {
    this.vocab = [...vocab];
    this.options = Object.freeze({ ...DEFAULT_WORDPIECE_OPTIONS, ...options });
    this.tokenToId = new Map(this.vocab.map((t, i) => [t, i]));
    const required = (token: string, role: string): number => {
      const id = this.tokenToId.get(token);
      if (id === undefined) throw new TokenizerError(`${source}: has no ${role} token "${token}"`);
      return id;
    };
    const o = this.options;
    this.unkId = required(o.unkToken, 'unknown');
    this.clsId = required(o.clsToken, 'classifier');
    this.sepId = required(o.sepToken, 'separator');
    this.padId = required(o.padToken, 'padding');
    this.maskId = this.tokenToId.get(o.maskToken);
    this.specials = [
      ...new Set([o.unkToken, o.clsToken, o.sepToken, o.padToken, o.maskToken, ...o.addedTokens]),
    ]
      .filter((t) => t.length > 0 && this.tokenToId.has(t))
      .sort((a, b) => b.length - a.length);
  }

  get vocabSize(): number {
    return this.vocab.length;
  }

  idOf(token: string): number | undefined {
    return this.tokenToId.get(token);
  }

  /**
   * Greedy longest-match-first WordPiece of one basic token: "playing" → ["play", "##ing"];
   * a word with a piece not in the vocabulary, or over maxInputCharsPerWord, → [unk].
   */
  wordpiece(word: string): string[] {
    const chars = Array.from(word);
    const { maxInputCharsPerWord, continuingSubwordPrefix, unkToken } = this.options;
    if (chars.length > maxInputCharsPerWord) return [unkToken];
    const pieces: string[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = chars.length;
      let found: string | undefined;
      while (start < end) {
        let piece = chars.slice(start, end).join('');
        if (start > 0) piece = continuingSubwordPrefix + piece;
        if (this.tokenToId.has(piece)) {
          found = piece;
          break;
        }
        end--;
      }
      if (found === undefined) return [unkToken];
      pieces.push(found);
      start = end;
    }
    return pieces;
  }

  /** Splits special tokens out of the raw text first, as transformers does for added tokens. */
  private splitSpecials(text: string): string[] {
    if (this.specials.length === 0) return [text];
    let parts = [text];
    for (const special of this.specials) {
      parts = parts.flatMap((part) => {
        if (this.specials.includes(part)) return [part];
        const out: string[] = [];
        const pieces = part.split(special);
        pieces.forEach((p, i) => {
          if (i > 0) out.push(special);
          if (p) out.push(p);
        });
        return out;
      });
    }
    return parts;
  }

  /** Text → WordPiece tokens, without [CLS]/[SEP]. */
  tokenize(text: string): string[] {
    const basic = {
      lowerCase: this.options.lowerCase,
      stripAccents: this.options.stripAccents,
      tokenizeChineseChars: this.options.tokenizeChineseChars,
    };
    const out: string[] = [];
    for (const part of this.splitSpecials(text)) {
      if (this.specials.includes(part)) {
        out.push(part);
        continue;
      }
      for (const word of basicTokenize(part, basic)) out.push(...this.wordpiece(word));
    }
    return out;
  }

  convertTokensToIds(tokens: readonly string[]): number[] {
    return tokens.map((t) => this.tokenToId.get(t) ?? this.unkId);
  }

  convertIdsToTokens(ids: readonly number[]): string[] {
    return ids.map((id) => {
      const token = this.vocab[id];
      if (token === undefined)
        throw new TokenizerError(`id ${id} is outside the vocabulary (size ${this.vocabSize})`);
      return token;
    });
  }

  /**
   * Ids back to text: WordPiece continuations are glued to the previous piece and BERT's
   * detokenizer cleanup removes the space before punctuation like " ." and " 's".
   */
  decode(ids: readonly number[], options: { skipSpecialTokens?: boolean } = {}): string {
    const prefix = this.options.continuingSubwordPrefix;
    const pad = new Set([
      this.options.padToken,
      this.options.clsToken,
      this.options.sepToken,
      this.options.maskToken,
    ]);
    let text = '';
    for (const token of this.convertIdsToTokens(ids)) {
      if (options.skipSpecialTokens && pad.has(token)) continue;
      if (token.startsWith(prefix) && text.length > 0) text += token.slice(prefix.length);
      else text += text.length > 0 ? ` ${token}` : token;
    }
    // transformers' clean_up_tokenization
    return text
      .replaceAll(' .', '.')
      .replaceAll(' ?', '?')
      .replaceAll(' !', '!')
      .replaceAll(' ,', ',')
      .replaceAll(" ' ", "'")
      .replaceAll(" n't", "n't")
      .replaceAll(" 'm", "'m")
      .replaceAll(" 's", "'s")
      .replaceAll(" 've", "'ve")
      .replaceAll(" 're", "'re");
  }

  /** [CLS] tokens… [SEP], the tokens truncated so the whole fits in maxLength (≥ 2). */
  encode(text: string, maxLength = 512): Encoding {
    if (!Number.isInteger(maxLength) || maxLength < 2) {
      throw new TokenizerError(`maxLength ${maxLength} must be an integer ≥ 2 (room for [CLS] and [SEP])`);
    }
    const body = this.tokenize(text).slice(0, maxLength - 2);
    const tokens = [this.options.clsToken, ...body, this.options.sepToken];
    const ids = this.convertTokensToIds(tokens);
    return {
      ids,
      tokens,
      attentionMask: ids.map(() => 1),
      tokenTypeIds: ids.map(() => 0),
    };
  }

  /** Encodes and pads a batch with the pad id (attention mask 0 on padding). */
  encodeBatch(texts: readonly string[], maxLength = 512, options: EncodeBatchOptions = {}): BatchEncoding {
    const rows = texts.map((t) => this.encode(t, maxLength));
    const length = options.padTo === 'max' ? maxLength : rows.reduce((m, r) => Math.max(m, r.ids.length), 0);
    const pad = <T>(row: T[], value: T): T[] => [...row, ...Array<T>(length - row.length).fill(value)];
    return {
      ids: rows.map((r) => pad(r.ids, this.padId)),
      tokens: rows.map((r) => pad(r.tokens, this.options.padToken)),
      attentionMask: rows.map((r) => pad(r.attentionMask, 0)),
      tokenTypeIds: rows.map((r) => pad(r.tokenTypeIds, 0)),
      length,
    };
  }

  /** vocab.txt content: one token per line, line i = id i. */
  toVocabText(): string {
    return `${this.vocab.join('\n')}\n`;
  }
}
