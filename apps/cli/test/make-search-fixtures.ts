// Makes fixtures/merge-search (run from the repository root:
// `node --import tsx apps/cli/test/make-search-fixtures.ts`): two tiny domains whose labels depend on
// different words, `a.csv` and `b.csv`, and the fixture base (fixtures/merge/base) fine-tuned on each,
// `a/` and `b/`. Domain A's label is 3 when a text holds one of A's key words, domain B's when it holds
// one of B's; both domains' texts hold either kind. Each expert is seeded, a few epochs, so it is good
// on its own domain and wrong on the other's key words, and a merge genuinely trades one against the
// other. merge-search.test.ts reads these files instead of fine-tuning twice on every run.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { initBackend } from '@tunelab/core/backend';
import { writeModelVariant } from '@tunelab/core/merge/testing';
import { Rng } from '@tunelab/core/random';
import { fineTune, loadModel } from '@tunelab/core/train';

const FIXTURES = join(import.meta.dirname, '../../../fixtures');
const BASE = join(FIXTURES, 'merge/base');
const OUT = join(FIXTURES, 'merge-search');

process.env.TUNELAB_BACKEND ??= 'cpu';
await initBackend();
const vocab = (await readFile(join(BASE, 'vocab.txt'), 'utf8'))
  .split('\n')
  .filter((w) => /^[a-z]{3,}$/.test(w));
const keys = { a: vocab.slice(0, 4), b: vocab.slice(4, 8) };
const filler = vocab.slice(8);
const rng = new Rng(11);
const pick = (words: string[]) => words[rng.int(words.length)] as string;
const rows = (own: 'a' | 'b') => {
  const other = own === 'a' ? 'b' : 'a';
  return Array.from({ length: 64 }, (_, i) => {
    const words = [pick(filler), pick(filler)];
    if (i % 2 === 0) words.push(pick(keys[own]));
    if (i % 3 === 0) words.push(pick(keys[other]));
    return { text: words.join(' '), label: i % 2 === 0 ? 3 : 0 };
  });
};
for (const domain of ['a', 'b'] as const) {
  const data = rows(domain);
  await writeFile(
    join(OUT, `${domain}.csv`),
    `text,label\n${data.map((r) => `${r.text},${r.label}`).join('\n')}\n`,
  );
  const { model, tokenizer } = await loadModel(BASE);
  await fineTune(
    model,
    tokenizer,
    { train: data, eval: data.slice(0, 4) },
    { task: 'regression', epochs: 6, batchSize: 8, maxLength: 16, learningRate: 3e-3, seed: 5 },
  );
  const tuned = model.toTensorMap();
  model.dispose();
  await rm(join(OUT, domain), { recursive: true, force: true });
  await writeModelVariant(BASE, join(OUT, domain), {
    tensors: (t) => {
      for (const [name, tensor] of tuned) if (t.has(name)) t.set(name, tensor);
    },
  });
}
