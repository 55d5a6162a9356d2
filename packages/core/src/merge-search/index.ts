// Recipe search over merge parameters (see the README, "Recipe search"). Pure and client-safe:
// the in-process scoring of models and merges is `@tunelab/core/merge-search/node`.
export { type CmaEsOptions, defaultPopulationSize, SepCmaEs } from './cma-es.ts';
export { spaceFillingDesign } from './design.ts';
export {
  type DomainBaseline,
  type DomainMetric,
  domainMetric,
  normaliseScore,
  type ObjectiveKind,
  objectiveOf,
  paretoFront,
} from './objective.ts';
export {
  type CandidateResult,
  type DomainScores,
  type EvaluationMode,
  runRecipeSearch,
  type ScoreRequest,
  type SearchEvaluator,
  type SearchHooks,
  type SearchPhase,
  type SearchResult,
} from './search.ts';
export {
  type Coordinate,
  centrePoint,
  decodePoint,
  LAYER_GROUPS,
  type LayerGroup,
  layerThirds,
  type Recipe,
  recipeYaml,
  type SearchSpace,
  searchSpace,
} from './space.ts';
export {
  parseSearchSpec,
  SEARCHABLE_METHODS,
  SearchConfigError,
  searchSpecYaml,
  type TSearchSpec,
  type TSearchSpecInput,
  ZSearchDatasetFile,
  ZSearchSpec,
} from './spec.ts';
export { subsampleRows } from './subsample.ts';
