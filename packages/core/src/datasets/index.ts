// Dataset files: decoding, parsing (CSV/TSV/JSONL), validation against the user's column choices,
// seeded stratified splits and the profile shown on the dataset page. Pure: no database.

export * from './compose.ts';
export { bytesOf, decodeUtf8 } from './decode.ts';
export { DatasetError, formatIssue, type TDatasetErrorCode, type TDatasetIssue } from './errors.ts';
export { crossValidationFolds } from './group-folds.ts';
export {
  checkHeader,
  formatFromFileName,
  MAX_FIELD_CHARS,
  MAX_JSONL_LINE_CHARS,
  MAX_RECORD_CHARS,
  parseRecords,
  type TRecordSink,
} from './parse.ts';
export {
  computeProfile,
  countWords,
  quantiles,
  type TProfileOptions,
  type TProfileRow,
  tokenProfile,
} from './profile.ts';
export {
  inferClasses,
  inspectDataset,
  PREVIEW_CELL_CHARS,
  readDataset,
  resolveFormat,
  type TInspection,
  type TReadDataset,
} from './read-dataset.ts';
export * from './schemas.ts';
export { assignFolds, assignSplits, labelStrata, seededRandom } from './split.ts';
