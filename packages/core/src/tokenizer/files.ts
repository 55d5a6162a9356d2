import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { TokenizerError, type WordPieceOptions, WordPieceTokenizer } from './wordpiece.ts';

/** Parses vocab.txt: one token per line, line i has id i (CRLF tolerated, final newline optional). */
export function parseVocabText(text: string): string[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** A special token in tokenizer_config.json is a string or an AddedToken object. */
const ZAddedToken = z.object({ id: z.number().int().nonnegative(), content: z.string() }).loose();

const ZTokenRef = z.union([z.string(), z.object({ content: z.string() }).loose()]);
const tokenText = (t: z.infer<typeof ZTokenRef> | undefined): string | undefined =>
  t === undefined ? undefined : typeof t === 'string' ? t : t.content;

export const ZTokenizerConfig = z
  .object({
    do_lower_case: z.boolean().optional(),
    strip_accents: z.boolean().nullable().optional(),
    tokenize_chinese_chars: z.boolean().optional(),
    unk_token: ZTokenRef.optional(),
    cls_token: ZTokenRef.optional(),
    sep_token: ZTokenRef.optional(),
    pad_token: ZTokenRef.optional(),
    mask_token: ZTokenRef.optional(),
    model_max_length: z.number().optional(),
  })
  .loose();
export type TTokenizerConfig = z.infer<typeof ZTokenizerConfig>;

export const ZTokenizerJson = z
  .object({
    added_tokens: z.array(ZAddedToken).nullable().optional(),
    normalizer: z
      .object({
        type: z.string(),
        clean_text: z.boolean().optional(),
        handle_chinese_chars: z.boolean().optional(),
        strip_accents: z.boolean().nullable().optional(),
        lowercase: z.boolean().optional(),
      })
      .loose()
      .nullable()
      .optional(),
    model: z
      .object({
        type: z.string(),
        unk_token: z.string().optional(),
        continuing_subword_prefix: z.string().optional(),
        max_input_chars_per_word: z.number().int().positive().optional(),
        vocab: z.record(z.string(), z.number().int().nonnegative()),
      })
      .loose(),
  })
  .loose();
export type TTokenizerJson = z.infer<typeof ZTokenizerJson>;

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

/** Options set by tokenizer_config.json (only the keys it actually contains). */
export function optionsFromTokenizerConfig(config: TTokenizerConfig): Partial<WordPieceOptions> {
  const o: Partial<WordPieceOptions> = {};
  if (config.do_lower_case !== undefined) o.lowerCase = config.do_lower_case;
  if (config.strip_accents !== undefined) o.stripAccents = config.strip_accents;
  if (config.tokenize_chinese_chars !== undefined) o.tokenizeChineseChars = config.tokenize_chinese_chars;
  const tokens = {
    unkToken: tokenText(config.unk_token),
    clsToken: tokenText(config.cls_token),
    sepToken: tokenText(config.sep_token),
    padToken: tokenText(config.pad_token),
    maskToken: tokenText(config.mask_token),
  };
  for (const [k, v] of Object.entries(tokens)) if (v !== undefined) Object.assign(o, { [k]: v });
  return o;
}

/** Reads a Hugging Face tokenizer.json holding a WordPiece model (and usually a BertNormalizer). */
export function tokenizerFromJson(
  json: unknown,
  source = 'tokenizer.json',
  overrides: Partial<WordPieceOptions> = {},
): WordPieceTokenizer {
  const parsed = ZTokenizerJson.safeParse(json);
  if (!parsed.success) throw new TokenizerError(`${source}: ${describe(parsed.error)}`);
  const { model, normalizer, added_tokens: added } = parsed.data;
  if (model.type !== 'WordPiece') {
    throw new TokenizerError(`${source}: model.type is "${model.type}"; only WordPiece (BERT) is supported`);
  }
  const vocab: string[] = [];
  // Every id below the largest must be taken, so an id at or past the number of tokens means a hole:
  // found here first (an id past 2^32 - 2 would otherwise be set as an array property and dropped).
  const entries = Object.entries(model.vocab);
  const ids = [...entries.map(([, id]) => id), ...(added ?? []).map((t) => t.id)];
  if (ids.some((id) => id >= ids.length)) {
    const taken = new Set(ids);
    let hole = 0;
    while (taken.has(hole)) hole++;
    throw new TokenizerError(`${source}: model.vocab has no token with id ${hole}`);
  }
  for (const [token, id] of entries) {
    if (vocab[id] !== undefined) {
      throw new TokenizerError(`${source}: model.vocab gives id ${id} to both "${vocab[id]}" and "${token}"`);
    }
    vocab[id] = token;
  }
  // Added tokens may sit beyond the WordPiece vocabulary; they take their own ids.
  for (const t of added ?? []) {
    const existing = vocab[t.id];
    if (existing === undefined) vocab[t.id] = t.content;
    else if (existing !== t.content) {
      throw new TokenizerError(
        `${source}: added token "${t.content}" has id ${t.id}, which model.vocab gives to "${existing}"`,
      );
    }
  }
  for (let i = 0; i < vocab.length; i++) {
    if (vocab[i] === undefined) throw new TokenizerError(`${source}: model.vocab has no token with id ${i}`);
  }
  const options: Partial<WordPieceOptions> = { addedTokens: (added ?? []).map((t) => t.content) };
  if (model.unk_token !== undefined) options.unkToken = model.unk_token;
  if (model.continuing_subword_prefix !== undefined) {
    options.continuingSubwordPrefix = model.continuing_subword_prefix;
  }
  if (model.max_input_chars_per_word !== undefined)
    options.maxInputCharsPerWord = model.max_input_chars_per_word;
  if (normalizer) {
    if (normalizer.type !== 'BertNormalizer') {
      throw new TokenizerError(
        `${source}: normalizer.type is "${normalizer.type}"; only BertNormalizer is supported`,
      );
    }
    options.lowerCase = normalizer.lowercase ?? true;
    options.stripAccents = normalizer.strip_accents ?? null;
    options.tokenizeChineseChars = normalizer.handle_chinese_chars ?? true;
  } else {
    options.lowerCase = false;
    options.stripAccents = false;
  }
  return new WordPieceTokenizer(vocab, { ...options, ...overrides }, source);
}

async function readJson(path: string): Promise<unknown> {
  const text = await readFile(path, 'utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new TokenizerError(`${path}: not valid JSON: ${(e as Error).message}`);
  }
}

/** The tokenizer files of a Hugging Face folder that were found and used. */
export interface LoadedTokenizer {
  tokenizer: WordPieceTokenizer;
  /** 'tokenizer.json' or 'vocab.txt': where the vocabulary came from. */
  vocabFile: string;
  tokenizerConfig: TTokenizerConfig | undefined;
}

/**
 * Loads the tokenizer of a Hugging Face folder as AutoTokenizer would: tokenizer.json when present
 * (the fast tokenizer is transformers' default), else vocab.txt; keys present in
 * tokenizer_config.json (do_lower_case, strip_accents, special tokens) take precedence, as
 * BertTokenizerFast re-applies them over tokenizer.json's normalizer.
 */
export async function loadTokenizerFromDir(dir: string): Promise<LoadedTokenizer> {
  const configPath = join(dir, 'tokenizer_config.json');
  let tokenizerConfig: TTokenizerConfig | undefined;
  if (existsSync(configPath)) {
    const parsed = ZTokenizerConfig.safeParse(await readJson(configPath));
    if (!parsed.success) throw new TokenizerError(`${configPath}: ${describe(parsed.error)}`);
    tokenizerConfig = parsed.data;
  }
  const overrides = tokenizerConfig ? optionsFromTokenizerConfig(tokenizerConfig) : {};
  const jsonPath = join(dir, 'tokenizer.json');
  if (existsSync(jsonPath)) {
    return {
      tokenizer: tokenizerFromJson(await readJson(jsonPath), jsonPath, overrides),
      vocabFile: 'tokenizer.json',
      tokenizerConfig,
    };
  }
  const vocabPath = join(dir, 'vocab.txt');
  if (!existsSync(vocabPath)) {
    throw new TokenizerError(`${dir}: has neither tokenizer.json nor vocab.txt`);
  }
  const vocab = parseVocabText(await readFile(vocabPath, 'utf8'));
  return {
    tokenizer: new WordPieceTokenizer(vocab, overrides, vocabPath),
    vocabFile: 'vocab.txt',
    tokenizerConfig,
  };
}

/**
 * The tokenizer files transformers expects in a BERT folder, as name → content: vocab.txt,
 * tokenizer_config.json, special_tokens_map.json and tokenizer.json (fast tokenizer).
 */
export function tokenizerFiles(tokenizer: WordPieceTokenizer, modelMaxLength = 512): Record<string, string> {
  const o = tokenizer.options;
  const specials = {
    unk_token: o.unkToken,
    sep_token: o.sepToken,
    pad_token: o.padToken,
    cls_token: o.clsToken,
    mask_token: o.maskToken,
  };
  const config = {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: o.lowerCase,
    strip_accents: o.stripAccents,
    tokenize_chinese_chars: o.tokenizeChineseChars,
    do_basic_tokenize: true,
    ...specials,
    model_max_length: modelMaxLength,
    clean_up_tokenization_spaces: true,
  };
  return {
    'vocab.txt': tokenizer.toVocabText(),
    'tokenizer_config.json': `${JSON.stringify(config, null, 2)}\n`,
    'special_tokens_map.json': `${JSON.stringify(specials, null, 2)}\n`,
    'tokenizer.json': `${JSON.stringify(tokenizerJson(tokenizer))}\n`,
  };
}

/** The tokenizers-library JSON for this WordPiece tokenizer (BertNormalizer + BertPreTokenizer). */
export function tokenizerJson(tokenizer: WordPieceTokenizer): Record<string, unknown> {
  const o = tokenizer.options;
  const vocab: Record<string, number> = {};
  tokenizer.vocab.forEach((t, i) => {
    vocab[t] = i;
  });
  const special = (token: string, typeId: number) => ({ SpecialToken: { id: token, type_id: typeId } });
  const sequence = (id: 'A' | 'B', typeId: number) => ({ Sequence: { id, type_id: typeId } });
  const specialEntry = (token: string) => ({ id: token, ids: [tokenizer.idOf(token)], tokens: [token] });
  const added = [...new Set([o.padToken, o.unkToken, o.clsToken, o.sepToken, o.maskToken, ...o.addedTokens])]
    .filter((t) => tokenizer.idOf(t) !== undefined)
    .map((t) => ({
      id: tokenizer.idOf(t),
      content: t,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: [o.padToken, o.unkToken, o.clsToken, o.sepToken, o.maskToken].includes(t),
    }))
    .sort((a, b) => (a.id as number) - (b.id as number));
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: o.tokenizeChineseChars,
      strip_accents: o.stripAccents,
      lowercase: o.lowerCase,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [special(o.clsToken, 0), sequence('A', 0), special(o.sepToken, 0)],
      pair: [
        special(o.clsToken, 0),
        sequence('A', 0),
        special(o.sepToken, 0),
        sequence('B', 1),
        special(o.sepToken, 1),
      ],
      special_tokens: { [o.clsToken]: specialEntry(o.clsToken), [o.sepToken]: specialEntry(o.sepToken) },
    },
    decoder: { type: 'WordPiece', prefix: o.continuingSubwordPrefix, cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: o.unkToken,
      continuing_subword_prefix: o.continuingSubwordPrefix,
      max_input_chars_per_word: o.maxInputCharsPerWord,
      vocab,
    },
  };
}
