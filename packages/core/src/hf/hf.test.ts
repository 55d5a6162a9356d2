import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type F32Tensor,
  readSafetensorsFile,
  type TensorMap,
  writeSafetensorsFile,
} from '../safetensors/index.ts';
import {
  configForExport,
  expectedBertTensors,
  exportHfModel,
  importHfModel,
  parseBertConfig,
} from './index.ts';

const FIXTURE = join(import.meta.dirname, '../../../../fixtures/tiny-bert');
const fixtureConfig = JSON.parse(await readFile(join(FIXTURE, 'config.json'), 'utf8')) as Record<
  string,
  unknown
>;
const fixtureTensors = await readSafetensorsFile(join(FIXTURE, 'model.safetensors'));

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** A folder with the fixture's vocab, the given config and the given tensors. */
async function folder(config: unknown, tensors: TensorMap | [string, F32Tensor][]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hf-'));
  dirs.push(dir);
  await copyFile(join(FIXTURE, 'vocab.txt'), join(dir, 'vocab.txt'));
  await writeFile(join(dir, 'config.json'), JSON.stringify(config));
  await writeSafetensorsFile(join(dir, 'model.safetensors'), tensors);
  return dir;
}

function without(prefix: string): [string, F32Tensor][] {
  return [...fixtureTensors].filter(([n]) => !n.startsWith(prefix));
}

describe('importHfModel on the fixture', () => {
  it('reads config, tokenizer and every tensor under canonical names', async () => {
    const m = await importHfModel(FIXTURE);
    expect(m.headKind).toBe('sequence-classification');
    expect(m.config.num_labels).toBe(1);
    expect(m.config.problem_type).toBe('regression');
    expect(m.files).toEqual(['config.json', 'vocab.txt', 'model.safetensors']);
    expect(m.tensors.size).toBe(fixtureTensors.size);
    for (const [name, t] of fixtureTensors) expect(m.tensors.get(name)).toEqual(t);
    expect(m.tokenizer.encode('Sleeping BETTER, mood is good!', 24).ids).toEqual([
      5, 123, 151, 9, 127, 98, 153, 10, 6,
    ]);
  });

  it('expectedBertTensors lists exactly the fixture tensors with their shapes', () => {
    const config = parseBertConfig(fixtureConfig);
    const expected = expectedBertTensors(config, 'sequence-classification');
    // 5 embedding tensors + 16 per layer × 2 layers + pooler 2 + classifier 2
    expect(expected.length).toBe(5 + 16 * 2 + 2 + 2);
    expect(new Map(expected.map((e) => [e.name, e.shape]))).toEqual(
      new Map([...fixtureTensors].map(([n, t]) => [n, t.shape])),
    );
  });
});

describe('round trip', () => {
  it('import → export → import gives identical tensors, config and tokenizer', async () => {
    const first = await importHfModel(FIXTURE);
    const out = await mkdtemp(join(tmpdir(), 'hf-out-'));
    dirs.push(out);
    const written = await exportHfModel(out, {
      config: first.config,
      tensors: first.tensors,
      tokenizer: first.tokenizer,
      head: first.headKind,
    });
    expect(written).toContain('model.safetensors');
    const second = await importHfModel(out);
    expect(second.config).toEqual(first.config);
    expect(second.headKind).toBe(first.headKind);
    expect(second.tensors).toEqual(first.tensors);
    expect(second.tokenizer.vocab).toEqual(first.tokenizer.vocab);
    expect(second.files).toEqual([
      'config.json',
      'tokenizer.json',
      'tokenizer_config.json',
      'model.safetensors',
    ]);
    const tc = JSON.parse(await readFile(join(out, 'tokenizer_config.json'), 'utf8'));
    expect(tc).toMatchObject({ do_lower_case: true, tokenizer_class: 'BertTokenizer', model_max_length: 64 });
  });

  it('export writes the label fields transformers reads for a 3-class head', () => {
    const c = configForExport(
      parseBertConfig({
        ...fixtureConfig,
        id2label: undefined,
        label2id: undefined,
        num_labels: undefined,
        problem_type: undefined,
      }),
      'sequence-classification',
      3,
    );
    expect(c.architectures).toEqual(['BertForSequenceClassification']);
    expect(c.num_labels).toBe(3);
    expect(c.id2label).toEqual({ 0: 'LABEL_0', 1: 'LABEL_1', 2: 'LABEL_2' });
    expect(c.label2id).toEqual({ LABEL_0: 0, LABEL_1: 1, LABEL_2: 2 });
    expect(c.problem_type).toBe('single_label_classification');
    // a regression config re-headed with 4 classes must not stay "regression"
    const fromRegression = configForExport(parseBertConfig(fixtureConfig), 'sequence-classification', 4);
    expect(fromRegression.problem_type).toBe('single_label_classification');
    expect(Object.keys(fromRegression.id2label ?? {})).toEqual(['0', '1', '2', '3']);
  });
});

describe('name variants', () => {
  it('accepts a BertModel checkpoint without the bert. prefix and with gamma/beta LayerNorms', async () => {
    const renamed = without('classifier.').map(([n, t]): [string, F32Tensor] => [
      n
        .replace(/^bert\./, '')
        .replace(/LayerNorm\.weight$/, 'LayerNorm.gamma')
        .replace(/LayerNorm\.bias$/, 'LayerNorm.beta'),
      t,
    ]);
    renamed.push(['embeddings.position_ids', { shape: [1, 64], data: new Float32Array(64) }]);
    const dir = await folder({ ...fixtureConfig, architectures: ['BertModel'] }, renamed);
    const m = await importHfModel(dir);
    expect(m.headKind).toBe('none');
    expect(m.ignoredTensors).toEqual(['embeddings.position_ids']);
    expect([...m.tensors.keys()].sort()).toEqual(
      without('classifier.')
        .map(([n]) => n)
        .sort(),
    );
    expect(m.tensors.get('bert.encoder.layer.1.output.LayerNorm.bias')).toEqual(
      fixtureTensors.get('bert.encoder.layer.1.output.LayerNorm.bias'),
    );
  });

  it('accepts BertForMaskedLM without a pooler, dropping the tied decoder copies', async () => {
    const H = 32;
    const emb = fixtureTensors.get('bert.embeddings.word_embeddings.weight') as F32Tensor;
    const bias = { shape: [203], data: new Float32Array(203).fill(0.5) };
    const tensors: [string, F32Tensor][] = [
      ...without('classifier.').filter(([n]) => !n.startsWith('bert.pooler.')),
      ['cls.predictions.transform.dense.weight', { shape: [H, H], data: new Float32Array(H * H) }],
      ['cls.predictions.transform.dense.bias', { shape: [H], data: new Float32Array(H) }],
      ['cls.predictions.transform.LayerNorm.gamma', { shape: [H], data: new Float32Array(H).fill(1) }],
      ['cls.predictions.transform.LayerNorm.beta', { shape: [H], data: new Float32Array(H) }],
      ['cls.predictions.decoder.weight', emb],
      ['cls.predictions.decoder.bias', bias],
    ];
    const dir = await folder({ ...fixtureConfig, architectures: ['BertForMaskedLM'] }, tensors);
    const m = await importHfModel(dir);
    expect(m.headKind).toBe('masked-lm');
    expect(m.tensors.get('cls.predictions.bias')).toEqual(bias);
    expect(m.tensors.has('cls.predictions.decoder.weight')).toBe(false);
    expect(m.ignoredTensors.sort()).toEqual([
      'cls.predictions.decoder.bias',
      'cls.predictions.decoder.weight',
    ]);
  });
});

describe('refusals name what is wrong', () => {
  it('another model_type', async () => {
    const dir = await folder({ ...fixtureConfig, model_type: 'roberta' }, fixtureTensors);
    await expect(importHfModel(dir)).rejects.toThrow(/config\.json: model_type "roberta" is not supported/);
  });
  it('another architecture', async () => {
    const dir = await folder(
      { ...fixtureConfig, architectures: ['BertForTokenClassification'] },
      fixtureTensors,
    );
    await expect(importHfModel(dir)).rejects.toThrow(
      /architecture "BertForTokenClassification" is not supported/,
    );
  });
  it('a missing tensor, with its expected shape', async () => {
    const dir = await folder(fixtureConfig, without('bert.encoder.layer.1.intermediate.dense.weight'));
    await expect(importHfModel(dir)).rejects.toThrow(
      /tensor "bert\.encoder\.layer\.1\.intermediate\.dense\.weight" is missing \(expected shape \[64, 32\]\)/,
    );
  });
  it('a shape that disagrees with config.json, with expected and actual shapes', async () => {
    const dir = await folder({ ...fixtureConfig, intermediate_size: 48 }, fixtureTensors);
    await expect(importHfModel(dir)).rejects.toThrow(
      /tensor "bert\.encoder\.layer\.0\.intermediate\.dense\.weight" has shape \[64, 32\], expected \[48, 32\]/,
    );
  });
  it('a tensor that belongs to no BERT', async () => {
    const dir = await folder(fixtureConfig, [
      ...fixtureTensors,
      ['adapter.weight', { shape: [1], data: new Float32Array(1) }],
    ]);
    await expect(importHfModel(dir)).rejects.toThrow(
      /not part of a BERT sequence-classification model: "adapter\.weight"/,
    );
  });
  it('architectures that disagree with the weights', async () => {
    const dir = await folder(fixtureConfig, without('classifier.'));
    await expect(importHfModel(dir)).rejects.toThrow(
      /says BertForSequenceClassification, which needs classifier\.weight, but the weights hold a none head/,
    );
  });
  it('pytorch_model.bin only', async () => {
    const dir = await folder(fixtureConfig, fixtureTensors);
    await rm(join(dir, 'model.safetensors'));
    await writeFile(join(dir, 'pytorch_model.bin'), 'x');
    await expect(importHfModel(dir)).rejects.toThrow(/weights are in pytorch_model\.bin; only safetensors/);
  });
  it('export refuses tensors that do not match the config, writing nothing', async () => {
    const m = await importHfModel(FIXTURE);
    const out = join(await mkdtemp(join(tmpdir(), 'hf-bad-')), 'model');
    dirs.push(out);
    const tensors = new Map(m.tensors);
    tensors.delete('bert.pooler.dense.bias');
    await expect(
      exportHfModel(out, {
        config: m.config,
        tensors,
        tokenizer: m.tokenizer,
        head: 'sequence-classification',
      }),
    ).rejects.toThrow(/tensor "bert\.pooler\.dense\.bias" is missing/);
    await expect(readFile(join(out, 'config.json'))).rejects.toThrow(/ENOENT/);
  });
});
