import { InputError } from '@tunelab/core/errors';
import type { TSearchSpec } from '@tunelab/core/merge-search';
import { subsampleRows } from '@tunelab/core/merge-search';
import type { SearchDomain } from '@tunelab/core/merge-search/node';
import { parentDomains } from './parent-domains.ts';

/** A search's domains: model i's fine-tuning dataset, with the fixed subsample of its eval rows. */
export async function searchDomains(spec: TSearchSpec): Promise<SearchDomain[]> {
  const found = await parentDomains(spec.models.map((m) => m.model));
  return found.map((parent, i) => {
    if (!parent)
      throw new InputError(
        `model ${spec.models[i]?.model} was not fine-tuned here: its domain (dataset) is unknown`,
      );
    if (parent.domain.rows.length === 0)
      throw new InputError(`dataset ${parent.datasetName} has no eval rows to score on`);
    return { ...parent.domain, subsample: subsampleRows(parent.domain.rows, spec.subsample, spec.seed + i) };
  });
}
