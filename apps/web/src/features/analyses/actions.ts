'use server';
import { launchAnalysis, type TLaunchAnalysis } from './lib/launch-analysis.ts';

export async function launchAnalysisAction(input: TLaunchAnalysis): Promise<{ id?: string; error?: string }> {
  try {
    return { id: await launchAnalysis(input) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}
