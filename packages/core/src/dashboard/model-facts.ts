import type { TensorMap } from '../safetensors/index.ts';

/** What a Model row stores about a Hugging Face folder, from its parsed parts. */
export interface ModelRowFacts {
  config: Record<string, unknown>;
  tokenizer: { type: 'wordpiece'; vocabSize: number; lowercase: boolean; files: string[] };
  paramCount: number;
  task: 'regression' | 'classification' | null;
  numLabels: number | null;
}

export function modelRowFacts(input: {
  config: object;
  tensors: TensorMap;
  tokenizer: { vocab: readonly string[]; options: { lowerCase: boolean } };
  headKind: string;
  files?: string[];
}): ModelRowFacts {
  let paramCount = 0;
  for (const t of input.tensors.values()) paramCount += t.data.length;
  const config = { ...(input.config as Record<string, unknown>) };
  const classifier = input.tensors.get('classifier.weight');
  const numLabels =
    input.headKind === 'sequence-classification' && classifier ? (classifier.shape[0] ?? null) : null;
  const task =
    numLabels === null
      ? null
      : config.problem_type === 'regression' || numLabels === 1
        ? 'regression'
        : 'classification';
  return {
    config,
    tokenizer: {
      type: 'wordpiece',
      vocabSize: input.tokenizer.vocab.length,
      lowercase: input.tokenizer.options.lowerCase,
      files: (input.files ?? []).filter((f) => /vocab|tokenizer/.test(f)),
    },
    paramCount,
    task,
    numLabels,
  };
}
