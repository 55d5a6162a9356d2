import type { MergeMethodName } from '@tunelab/core/merge/registry';
import { searchSpecYaml } from '@tunelab/core/merge-search';

/** The search launch form's fields. */
export interface TSearchForm {
  base: string;
  parents: string[];
  methods: MergeMethodName[];
  budget: number;
  seed: number;
  objective: 'worst' | 'mean';
  layerGroups: boolean;
  subsample: number;
  rescore: number;
}

/** SEARCH.yml of the form (the same file `tunelab merge-search` reads, with model ids). */
export function searchFormToYaml(f: TSearchForm): string {
  return searchSpecYaml({
    base_model: f.base,
    models: f.parents.map((model) => ({ model })),
    methods: f.methods,
    budget: f.budget,
    seed: f.seed,
    objective: f.objective,
    layer_groups: f.layerGroups,
    subsample: f.subsample,
    rescore: f.rescore,
  });
}
