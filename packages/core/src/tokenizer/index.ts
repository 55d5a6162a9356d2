// BERT WordPiece tokenizer: BasicTokenizer + greedy longest-match WordPiece, loading from vocab.txt
// or tokenizer.json, exporting both, and a small WordPiece trainer for in-app pretraining.
export {
  type BasicTokenizerOptions,
  basicTokenize,
  cleanText,
  isChineseChar,
  isControl,
  isPunctuation,
  isWhitespace,
  stripAccents,
} from './basic.ts';
export {
  type LoadedTokenizer,
  loadTokenizerFromDir,
  optionsFromTokenizerConfig,
  parseVocabText,
  type TTokenizerConfig,
  type TTokenizerJson,
  tokenizerFiles,
  tokenizerFromJson,
  tokenizerJson,
  ZTokenizerConfig,
  ZTokenizerJson,
} from './files.ts';
export { type BuildVocabOptions, buildWordPieceVocab, SPECIAL_TOKENS } from './train.ts';
export {
  type BatchEncoding,
  DEFAULT_WORDPIECE_OPTIONS,
  type EncodeBatchOptions,
  type Encoding,
  TokenizerError,
  type WordPieceOptions,
  WordPieceTokenizer,
} from './wordpiece.ts';
