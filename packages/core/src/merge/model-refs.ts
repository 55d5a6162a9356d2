import { isMap, isScalar, isSeq, parseDocument, type Scalar } from 'yaml';

/**
 * The model references of a mergekit YAML config (`base_model`, `models[].model`,
 * `tokenizer_source`, `head_source`), in order of appearance, without duplicates.
 */
export function listModelRefs(text: string): string[] {
  const refs: string[] = [];
  rewriteModelRefs(text, (ref) => {
    if (!refs.includes(ref)) refs.push(ref);
    return ref;
  });
  return refs;
}

/**
 * Rewrites every model reference of a mergekit YAML config through `map` (for instance a model id
 * to its folder in the artifact store) and returns the new YAML; other fields, comments and order
 * are kept. `tokenizer_source: base` is left alone (it names the base model, not a folder).
 */
export function rewriteModelRefs(text: string, map: (ref: string) => string): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new Error(`invalid YAML: ${doc.errors[0]?.message}`);
  const root = doc.contents;
  if (!isMap(root)) throw new Error('a merge config must be a YAML mapping');
  for (const field of ['base_model', 'tokenizer_source', 'head_source']) {
    const node = root.get(field, true);
    if (
      isScalar(node) &&
      typeof node.value === 'string' &&
      !(field === 'tokenizer_source' && node.value === 'base')
    ) {
      (node as unknown as Scalar<string>).value = map(node.value);
    }
  }
  const models = root.get('models', true);
  if (isSeq(models)) {
    for (const item of models.items) {
      if (!isMap(item)) continue;
      const node = item.get('model', true);
      if (isScalar(node) && typeof node.value === 'string')
        (node as unknown as Scalar<string>).value = map(node.value);
    }
  }
  return doc.toString();
}
