'use server';
import { actionError } from '../../common/server/http.ts';
import { launchMerges } from './lib/launch-merges.ts';
import { launchSearch, materialiseSearch } from './lib/launch-search.ts';

/** Launches one merge per config (a grid gives several); returns the new ids or what is wrong. */
export async function launchMergesAction(configs: unknown): Promise<{ ids?: string[]; error?: string }> {
  try {
    return { ids: await launchMerges(configs) };
  } catch (e) {
    return actionError(e);
  }
}

/** Launches a recipe search from SEARCH.yml; returns its id or what is wrong. */
export async function launchSearchAction(input: unknown): Promise<{ id?: string; error?: string }> {
  try {
    return { id: await launchSearch(input) };
  } catch (e) {
    return actionError(e);
  }
}

/** Materialises a search's best recipe as a merge run; returns the merge id or what is wrong. */
export async function materialiseSearchAction(searchId: unknown): Promise<{ id?: string; error?: string }> {
  try {
    return { id: await materialiseSearch(searchId) };
  } catch (e) {
    return actionError(e);
  }
}
