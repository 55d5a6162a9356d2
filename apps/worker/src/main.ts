// Worker process entry: `node --import tsx apps/worker/src/main.ts` (npm start runs one).
import { readWorkerConfig } from './config.ts';
import { startWorkerRuntime } from './runtime.ts';
import { detectBackend } from './sandbox/context.ts';

const config = readWorkerConfig();
// Connection keys stored before sealing (or under a rotated-out key) are sealed with the current key.
try {
  const { sealStoredKeys } = await import('@tunelab/db');
  const sealed = await sealStoredKeys();
  if (sealed.sealed + sealed.resealed + sealed.unknown > 0)
    console.info(
      `[worker] connection keys: ${sealed.sealed} sealed, ${sealed.resealed} re-sealed with the current key, ${sealed.unknown} under an unknown key`,
    );
} catch (error) {
  console.error(`[worker] could not seal stored connection keys: ${(error as Error).message}`);
}
const backend = await detectBackend();
const runtime = await startWorkerRuntime({ config, backend });

let signals = 0;
const shutdown = (signal: string) => {
  signals += 1;
  if (signals > 1) {
    console.error(`[worker] second ${signal}: exiting now`);
    process.exit(1);
  }
  console.info(`[worker] ${signal}: finishing active jobs, then exiting`);
  runtime.close().then(
    () => process.exit(0),
    (error: Error) => {
      console.error(`[worker] shutdown failed: ${error.message}`);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
