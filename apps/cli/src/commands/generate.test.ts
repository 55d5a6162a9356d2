// `tunelab generate` against the stand-in OpenAI-compatible server on loopback (real HTTP through
// the real client): a plan of 2 bins × 2 texts, a 429 before the first success, the key absent
// from every output file and from what the command printed.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startOpenAiStub, type TOpenAiStub } from '@tunelab/core/llm/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../../bin/tunelab.mjs');
const KEY = 'sk-cli-KEY-0a1b2c3d4e5f';

let work: string;
let stub: TOpenAiStub;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'tunelab-cli-generate-'));
  stub = await startOpenAiStub();
});
afterAll(async () => {
  await stub?.close();
  await rm(work, { recursive: true, force: true });
});

describe('tunelab generate', () => {
  it('writes the texts and a review queue for 2 bins × 2 texts, retrying a 429, without the key', async () => {
    const spec = join(work, 'spec.json');
    await writeFile(
      spec,
      JSON.stringify({
        plan: [
          { item: 'sleep', score: 5, count: 2 },
          { item: 'sleep', score: 6, count: 2 },
        ],
        template: 'Write about {{item}} at score {{score}}: {{scale}}',
        scale: { '5': 'severe', '6': 'extreme' },
        fewShot: 1,
        seed: 7,
      }),
    );
    const real = join(work, 'real.csv');
    await writeFile(
      real,
      'text,label\nI sleep four hours and wake at three,5\nNo sleep at all for days,6\nSleep is fine,0\n',
    );
    stub.queue.push({ status: 429, message: 'slow down' });
    stub.fallback = (req, n) => ({
      text: `Text ${n} for ${req.body.messages?.at(-1)?.content?.match(/score (\d)/)?.[1]}: nights are long and I lie awake ${n}`,
    });
    const out = join(work, 'out');
    const { stdout, stderr } = await run(
      'node',
      [
        CLI,
        'generate',
        '--spec',
        spec,
        '--base-url',
        stub.baseUrl,
        '--model',
        'stub-7b',
        '--real',
        real,
        '--backoff-ms',
        '10',
        '--out',
        out,
      ],
      { env: { ...process.env, TUNELAB_LLM_API_KEY: KEY } },
    );
    const summary = JSON.parse(stdout);
    expect(summary).toMatchObject({ texts: 4, prompt_tokens: 44, completion_tokens: 28, real_rows_sent: 4 });
    expect(stderr).toMatch(/retry 1 in 10 ms after 429: slow down/);
    // 1 refused + 4 answered, each with the key as a bearer token and the worker's prompt
    expect(stub.requests).toHaveLength(5);
    expect(stub.requests.every((r) => r.authorization === `Bearer ${KEY}`)).toBe(true);
    expect(stub.requests.map((r) => r.body.seed)).toEqual([7, 7, 8, 9, 10]);
    const prompts = stub.requests.slice(1).map((r) => r.body.messages?.at(-1)?.content ?? '');
    expect(prompts[0]).toContain('Write about sleep at score 5: severe');
    expect(prompts[0]).toContain('- I sleep four hours and wake at three');
    expect(prompts[3]).toContain('Write about sleep at score 6: extreme');
    expect(prompts[3]).toContain('- No sleep at all for days');

    expect((await readdir(out)).sort()).toEqual(['review-queue.jsonl', 'texts.jsonl']);
    const lines = async (name: string) =>
      (await readFile(join(out, name), 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
    const texts = await lines('texts.jsonl');
    expect(texts.map((t) => [t.label, t.item, t.source])).toEqual([
      [5, 'sleep', 'synthetic'],
      [5, 'sleep', 'synthetic'],
      [6, 'sleep', 'synthetic'],
      [6, 'sleep', 'synthetic'],
    ]);
    expect(texts[0].text).toBe('Text 2 for 5: nights are long and I lie awake 2');
    const queue = await lines('review-queue.jsonl');
    expect(queue).toHaveLength(4);
    expect(queue[2]).toMatchObject({
      position: 2,
      target: 6,
      seed: 9,
      status: 'pending',
      origin: 'generated',
      fewShotRowIds: ['real.csv:2'],
      endpoint: { model: 'stub-7b' },
    });
    expect(queue[2].prompt).toBe(prompts[2]);
    expect(queue[0].checks).toMatchObject({ words: expect.any(Number), nearDuplicateOfReal: false });
    for (const name of await readdir(out)) expect(await readFile(join(out, name), 'utf8')).not.toContain(KEY);
    expect(stdout + stderr).not.toContain(KEY);
  });

  it('reads the key from --key-file, and refuses real rows for an endpoint outside this machine', async () => {
    const spec = join(work, 'spec2.json');
    await writeFile(
      spec,
      JSON.stringify({ plan: [{ score: 1, count: 1 }], template: 'x {{score}}', fewShot: 1 }),
    );
    const real = join(work, 'real2.csv');
    await writeFile(real, 'text,label\na real note,1\n');
    const keyFile = join(work, 'key.txt');
    await writeFile(keyFile, `${KEY}\n`);
    const requests = stub.requests.length;
    const refused = run('node', [
      CLI,
      'generate',
      '--spec',
      spec,
      '--base-url',
      'http://192.0.2.1:9/v1',
      '--model',
      'm',
      '--key-file',
      keyFile,
      '--real',
      real,
      '--out',
      join(work, 'out2'),
    ]);
    await expect(refused).rejects.toMatchObject({
      stderr: expect.stringMatching(
        /outside this machine and may not receive real rows: pass --allow-real-rows/,
      ),
    });
    const { stdout } = await run('node', [
      CLI,
      'generate',
      '--spec',
      spec,
      '--base-url',
      stub.baseUrl,
      '--model',
      'stub-7b',
      '--key-file',
      keyFile,
      '--real',
      real,
      '--out',
      join(work, 'out3'),
    ]);
    expect(JSON.parse(stdout)).toMatchObject({ texts: 1 });
    expect(stub.requests.slice(requests).map((r) => r.authorization)).toEqual([`Bearer ${KEY}`]);
  });
});
