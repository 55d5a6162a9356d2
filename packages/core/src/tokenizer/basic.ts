/**
 * BERT's BasicTokenizer, character for character as in google-research/bert `tokenization.py` and
 * transformers' `BasicTokenizer`: clean text, space out CJK ideographs, split on whitespace,
 * optionally lower-case and strip accents (NFD, drop Mn), then split off punctuation.
 * Unicode categories come from the JS engine's tables (\p{...}), which track the same Unicode data
 * as Python's `unicodedata`, give or take a Unicode version.
 */

export interface BasicTokenizerOptions {
  lowerCase: boolean;
  /** undefined/null: follow `lowerCase` (as transformers does); true/false force it. */
  stripAccents?: boolean | null;
  tokenizeChineseChars: boolean;
  /** Tokens that are never lower-cased or split (special tokens). */
  neverSplit?: ReadonlySet<string>;
}

const CONTROL = /^\p{C}$/u;
const SPACE_SEPARATOR = /^\p{Zs}$/u;
const PUNCTUATION = /^\p{P}$/u;
const NONSPACING_MARK = /\p{Mn}/gu;

/** BERT's _is_whitespace: space, \t, \n, \r, or category Zs. */
export function isWhitespace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || SPACE_SEPARATOR.test(ch);
}

/** BERT's _is_control: category C* except \t, \n, \r (which count as whitespace). */
export function isControl(ch: string): boolean {
  if (ch === '\t' || ch === '\n' || ch === '\r') return false;
  return CONTROL.test(ch);
}

/**
 * BERT's _is_punctuation: all non-letter/number ASCII (33–47, 58–64, 91–96, 123–126, so `$`, `+`,
 * `^`, `` ` `` count even though Unicode calls them symbols) plus every category P* character.
 */
export function isPunctuation(ch: string): boolean {
  const cp = ch.codePointAt(0) as number;
  if (
    (cp >= 33 && cp <= 47) ||
    (cp >= 58 && cp <= 64) ||
    (cp >= 91 && cp <= 96) ||
    (cp >= 123 && cp <= 126)
  ) {
    return true;
  }
  return PUNCTUATION.test(ch);
}

/** BERT's _is_chinese_char: the CJK Unified Ideographs blocks (not Hiragana, Katakana or Hangul). */
export function isChineseChar(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

/** Drops NUL, U+FFFD and control characters; maps every whitespace character to a space. */
export function cleanText(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    if (cp === 0 || cp === 0xfffd || isControl(ch)) continue;
    out += isWhitespace(ch) ? ' ' : ch;
  }
  return out;
}

/** Surrounds each CJK ideograph with spaces so each becomes its own word. */
export function tokenizeChineseChars(text: string): string {
  let out = '';
  for (const ch of text) out += isChineseChar(ch.codePointAt(0) as number) ? ` ${ch} ` : ch;
  return out;
}

/** NFD then drop nonspacing marks: "résumé" → "resume". */
export function stripAccents(text: string): string {
  return text.normalize('NFD').replace(NONSPACING_MARK, '');
}

/** Python's str.split(): split on runs of whitespace, no empty pieces. */
export function whitespaceSplit(text: string): string[] {
  return text.split(/\s+/u).filter((t) => t.length > 0);
}

/** Splits punctuation characters off into tokens of their own: "don't!" → ["don", "'", "t", "!"]. */
export function splitOnPunctuation(token: string): string[] {
  const out: string[] = [];
  let current = '';
  for (const ch of token) {
    if (isPunctuation(ch)) {
      if (current) out.push(current);
      out.push(ch);
      current = '';
    } else {
      current += ch;
    }
  }
  if (current) out.push(current);
  return out;
}

/** The whole BasicTokenizer: text → words and punctuation, before WordPiece. */
export function basicTokenize(text: string, options: BasicTokenizerOptions): string[] {
  let cleaned = cleanText(text);
  if (options.tokenizeChineseChars) cleaned = tokenizeChineseChars(cleaned);
  const strip = options.stripAccents ?? options.lowerCase;
  const out: string[] = [];
  for (let token of whitespaceSplit(cleaned)) {
    if (options.neverSplit?.has(token)) {
      out.push(token);
      continue;
    }
    if (options.lowerCase) token = token.toLowerCase();
    if (strip) token = stripAccents(token);
    for (const piece of splitOnPunctuation(token)) {
      // Accent stripping can leave nothing (a lone combining mark): Python drops the empty piece too.
      if (piece.length > 0) out.push(piece);
    }
  }
  return out;
}
