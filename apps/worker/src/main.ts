// Worker process entry: `node --import tsx apps/worker/src/main.ts` (npm start runs one).
import { readWorkerConfig } from './config.ts';
import { startWorkerRuntime } from './runtime.ts';
import { detectBackend } from './sandbox/context.ts';

const config = readWorkerConfig();
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
