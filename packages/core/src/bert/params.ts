import type { TTask } from '../datasets/schemas.ts';
import { expectedBertTensors } from '../hf/tensors.ts';
import type { BertArchConfig } from './config.ts';

/** What sits on top of the encoder: a task head (see `TTask`), the masked-LM head, or none. */
export type HeadKind = TTask | 'masked-lm' | 'none';

/**
 * Canonical (Hugging Face) names and shapes of every tensor the model holds with the given head: the
 * checkpoint layout of `expectedBertTensors`, with the pooler kept except under a masked-LM head.
 */
export function bertTensorShapes(c: BertArchConfig, head: HeadKind, numLabels = 1): Map<string, number[]> {
  const layout =
    head === 'masked-lm'
      ? expectedBertTensors(c, 'masked-lm').filter((t) => !t.optional)
      : head === 'none'
        ? expectedBertTensors(c, 'none')
        : expectedBertTensors(c, 'sequence-classification', numLabels);
  return new Map(layout.map((t) => [t.name, t.shape]));
}

/** Names of the classification/regression head, re-initialised when the label space changes. */
export const CLASSIFIER_TENSORS = ['classifier.weight', 'classifier.bias'] as const;

/** No weight decay on biases and LayerNorm weights (BERT's recipe). */
export function isDecayed(name: string): boolean {
  return !(name.endsWith('.bias') || name.includes('LayerNorm') || name === 'cls.predictions.bias');
}

/** Encoder layer index of a tensor name, or -1 (embeddings) / Infinity (pooler, heads). */
export function layerOf(name: string): number {
  if (name.startsWith('bert.embeddings.')) return -1;
  const m = /^bert\.encoder\.layer\.(\d+)\./.exec(name);
  return m ? Number(m[1]) : Number.POSITIVE_INFINITY;
}
