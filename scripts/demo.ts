// Loads the demo workspace into DATABASE_URL (already migrated; `npm start` migrates): the
// AFINN-165 word-valence dataset and a queued pretraining run on WordNet glosses whose success queues
// two fine-tuning runs. Idempotent. `node --import tsx scripts/demo.ts`; a worker must be running
// (npm start) for the runs to progress.
import { loadDemoWorkspace } from '../apps/web/src/features/demo/load-demo.ts';

const started = Date.now();
try {
  const r = await loadDemoWorkspace();
  console.log(
    `[demo] ${r.created ? 'loaded' : 'already loaded'}: dataset ${r.datasetId}, pretraining run ${r.pretrainRunId} ` +
      `(${Date.now() - started} ms). Open /runs/${r.pretrainRunId} to watch it.`,
  );
  process.exit(0);
} catch (e) {
  console.error(`[demo] failed: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
}
