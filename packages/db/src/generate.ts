// `npm run generate -w @tunelab/db`: `prisma generate`, skipped when the client already there was
// generated from the same schema, config and Prisma versions and has not been overwritten since (a
// stamp beside the generated client says so). `npm start` and `npm test` call it every time, and
// generating takes 5-25 s on a busy machine; a client that is current needs none of that.
// `--force` always generates.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface TGenerateInputs {
  /** The schema, the Prisma config and the Prisma versions: what the generated client depends on. */
  inputs: string[];
  /** The schema copy Prisma writes into the generated client (undefined when there is none). */
  generatedSchema: string | undefined;
}

const sha256 = (parts: string[]) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${part.length}:${part}`);
  return hash.digest('hex');
};

/** The stamp written after a generate: the inputs it was made from and the schema copy it wrote. */
export function generateStamp(state: TGenerateInputs): string | undefined {
  if (state.generatedSchema === undefined) return undefined;
  return `${sha256(state.inputs)} ${sha256([state.generatedSchema])}\n`;
}

/** Whether the client must be generated: no client, no stamp, or a stamp from other inputs or output. */
export function needsGenerate(state: TGenerateInputs, stamp: string | undefined): boolean {
  const now = generateStamp(state);
  return now === undefined || stamp === undefined || stamp !== now;
}

function readIf(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

/**
 * Generates the Prisma client unless the one there is current; resolves with what it did. Prisma's
 * output goes to this process's stdout and stderr.
 */
export async function generateClient(options: { force?: boolean } = {}): Promise<'generated' | 'up to date'> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const root = path.resolve(here, '../../..');
  const require = createRequire(import.meta.url);
  const prismaCli = require.resolve('prisma/build/index.js');
  // The client's default output: node_modules/.prisma/client beside node_modules/@prisma/client.
  const clientDir = path.resolve(
    path.dirname(require.resolve('@prisma/client/package.json')),
    '../../.prisma/client',
  );
  const stampFile = path.join(clientDir, '.tunelab-generate-stamp');
  const read = (): TGenerateInputs => ({
    inputs: [
      readFileSync(path.join(root, 'prisma/schema.prisma'), 'utf8'),
      readFileSync(path.join(root, 'packages/db/prisma.config.ts'), 'utf8'),
      (require('prisma/package.json') as { version: string }).version,
      (require('@prisma/client/package.json') as { version: string }).version,
    ],
    generatedSchema: readIf(path.join(clientDir, 'schema.prisma')),
  });
  if (!options.force && !needsGenerate(read(), readIf(stampFile))) return 'up to date';
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', prismaCli, 'generate'], {
      cwd: path.join(root, 'packages/db'),
      stdio: 'inherit',
    });
    child.once('error', reject);
    child.once('exit', (exitCode) => resolve(exitCode));
  });
  if (code !== 0) throw new Error(`prisma generate failed (exit ${code})`);
  const stamp = generateStamp(read());
  if (stamp) writeFileSync(stampFile, stamp);
  return 'generated';
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  generateClient({ force: process.argv.includes('--force') }).then(
    (done) => {
      if (done === 'up to date')
        console.log('Prisma client up to date (schema and Prisma unchanged since the last generate)');
    },
    (error: Error) => {
      console.error(error.message);
      process.exitCode = 1;
    },
  );
}
