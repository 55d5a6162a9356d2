// The merge registry alone (methods, parameters, ranges, form metadata): free of node: imports, so
// the dashboard's client components can import it as `@tunelab/core/merge/registry`.
export {
  MERGE_METHOD_NAMES,
  MERGE_METHODS,
  type MergeMethodDefinition,
  type MergeMethodName,
  methodParameter,
  type ParameterDefinition,
  parameterProblem,
} from '../methods.ts';
