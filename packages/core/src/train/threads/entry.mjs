// Entry of a data-parallel training thread (plain JavaScript, so Node can start it anywhere): makes
// TypeScript importable in this thread (tsx; harmless when the process already runs under it), then
// loads the replica module named in workerData.
import { workerData } from 'node:worker_threads';

if (String(workerData.module).endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(workerData.module);
