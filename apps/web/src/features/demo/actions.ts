'use server';
import { loadDemoWorkspace } from './load-demo.ts';

export async function loadDemoAction(): Promise<{ runId?: string; error?: string }> {
  try {
    const r = await loadDemoWorkspace();
    return { runId: r.pretrainRunId };
  } catch (e) {
    return { error: `Could not load the demo: ${e instanceof Error ? e.message : String(e)}` };
  }
}
