import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function prismaCli(): string {
  return path.join(path.dirname(require.resolve('prisma/package.json')), 'build/index.js');
}

/**
 * Runs the Prisma CLI (wasm schema engine via prisma.config.ts) in a child process.
 * A child, not an in-process call: the CLI reads its config from the working directory and calls
 * process.exit.
 */
function runPrisma(args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--import', './src/unref-timers.ts', prismaCli(), ...args],
      {
        cwd: packageDir,
        env: { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`prisma ${args.join(' ')} failed (exit ${code}):\n${output.trim()}`));
    });
  });
}

/** Applies every pending migration in prisma/migrations to the given database. */
export async function applyMigrations(databaseUrl: string): Promise<string> {
  return runPrisma(['migrate', 'deploy'], { DATABASE_URL: databaseUrl });
}

/** Regenerates packages/db/generated (the Prisma client) from prisma/schema.prisma. */
export async function generateClient(): Promise<string> {
  return runPrisma(['generate'], {});
}
