// Hugging Face BERT folders: config.json parsing, canonical tensor names, import and export.
export {
  ARCHITECTURE_HEADS,
  architectureForHead,
  type BertArchitecture,
  type BertConfig,
  configForExport,
  type HfHead,
  HfModelError,
  headFromConfig,
  ITEM_RANGES_FIELD,
  itemRangesOfConfig,
  LABEL_RANGE_FIELD,
  labelNames,
  labelRangeOfConfig,
  parseBertConfig,
  SUPPORTED_ACTIVATIONS,
  type TBertConfig,
  ZBertConfig,
} from './config.ts';
export { type ExportHfModelInput, exportHfModel } from './export.ts';
export { type ImportedHfModel, importHfModel } from './import.ts';
export {
  canonicalTensorName,
  type ExpectedTensor,
  expectedBertTensors,
  type NormalisedTensors,
  normaliseBertTensors,
} from './tensors.ts';
