// One owner of status: the worker runtime (run-job.ts, through the db lifecycle helpers) is the only
// code in the worker that moves a Run (or a Sweep) between states. Processors and the training code
// they call return their summary; this test reads their sources and fails on any status write.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '..');
const RUNTIME = new Set(['processors/run-job.ts']);
/** Lifecycle helpers of @tunelab/db that only the runtime may call. */
const LIFECYCLE_HELPERS = [
  'finishRun',
  'markRunRunning',
  'markRunRetrying',
  'markRunRequeued',
  'requeueRun',
  'settleSweep',
  'markSweepLaunched',
];

async function sources(): Promise<{ file: string; text: string }[]> {
  const out: { file: string; text: string }[] = [];
  for (const folder of ['processors', 'training']) {
    for (const name of await readdir(path.join(SRC, folder))) {
      const file = `${folder}/${name}`;
      if (!name.endsWith('.ts') || name.endsWith('.test.ts') || RUNTIME.has(file)) continue;
      out.push({ file, text: await readFile(path.join(SRC, file), 'utf8') });
    }
  }
  return out;
}

/** The argument text of every `<x>.run.<method>(...)` / `<x>.sweep.<method>(...)` write call. */
export function writeCalls(text: string): { model: string; method: string; args: string }[] {
  const calls: { model: string; method: string; args: string }[] = [];
  const pattern = /\.(run|sweep)\s*\.\s*(update|updateMany|upsert|create|createMany)\s*\(/g;
  for (const match of text.matchAll(pattern)) {
    let depth = 1;
    let i = (match.index ?? 0) + match[0].length;
    const start = i;
    while (i < text.length && depth > 0) {
      if (text[i] === '(') depth++;
      else if (text[i] === ')') depth--;
      i++;
    }
    calls.push({ model: match[1] as string, method: match[2] as string, args: text.slice(start, i - 1) });
  }
  return calls;
}

describe('status has one owner', () => {
  it('finds status writes when there are some (the scan itself works)', () => {
    const calls = writeCalls(
      "await prisma.run.update({ where: { id }, data: { status: 'succeeded', progress: 1 } });\n" +
        "await tx.sweep.updateMany({ where: { id }, data: { status: 'running' } });\n" +
        'await prisma.run.update({ where: { id }, data: { backend } });',
    );
    expect(calls.map((c) => [c.model, /\bstatus\s*:/.test(c.args)])).toEqual([
      ['run', true],
      ['sweep', true],
      ['run', false],
    ]);
  });

  it('no processor or training module writes a Run or Sweep status or calls a lifecycle helper', async () => {
    const files = await sources();
    expect(files.map((f) => f.file)).toEqual(
      expect.arrayContaining(['processors/merge.ts', 'processors/vectors.ts', 'training/train-run.ts']),
    );
    const offences: string[] = [];
    for (const { file, text } of files) {
      for (const call of writeCalls(text)) {
        if (/\bstatus\s*:/.test(call.args))
          offences.push(`${file}: ${call.model}.${call.method} writes status`);
      }
      for (const helper of LIFECYCLE_HELPERS) {
        if (new RegExp(`\\b${helper}\\b`).test(text)) offences.push(`${file}: calls ${helper}`);
      }
    }
    expect(offences).toEqual([]);
  });
});
