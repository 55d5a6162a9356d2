'use server';
import { actionError } from '../../common/server/http.ts';
import { launchMerges } from './lib/launch-merges.ts';

/** Launches one merge per config (a grid gives several); returns the new ids or what is wrong. */
export async function launchMergesAction(configs: unknown): Promise<{ ids?: string[]; error?: string }> {
  try {
    return { ids: await launchMerges(configs) };
  } catch (e) {
    return actionError(e);
  }
}
