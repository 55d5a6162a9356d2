'use server';
import { actionError } from '../../common/server/http.ts';
import { launchAnalysis, type TLaunchAnalysis, ZLaunchAnalysis } from './lib/launch-analysis.ts';

export async function launchAnalysisAction(input: TLaunchAnalysis): Promise<{ id?: string; error?: string }> {
  try {
    return { id: await launchAnalysis(ZLaunchAnalysis.parse(input)) };
  } catch (e) {
    return actionError(e);
  }
}
