/** Where a tensor sits in a BERT-style model: the rows and columns of the analysis heatmaps. */
export type ModuleKind =
  | 'embeddings'
  | 'attention.query'
  | 'attention.key'
  | 'attention.value'
  | 'attention.output'
  | 'mlp.in'
  | 'mlp.out'
  | 'layernorm'
  | 'pooler'
  | 'head'
  | 'other';

export interface TensorGroup {
  /** 'embeddings', 'layer 0' … 'layer N−1', 'pooler', 'head' or 'other'. */
  layer: string;
  /** Layer index for encoder layers, else null. */
  layerIndex: number | null;
  module: ModuleKind;
}

/**
 * Groups a Hugging Face BERT tensor name (with or without the `bert.` prefix). LayerNorms are their
 * own module wherever they sit, so the heatmap shows them apart from the matrices.
 */
export function groupTensor(name: string): TensorGroup {
  const layerMatch = /(?:^|\.)encoder\.layer\.(\d+)\./.exec(name);
  const isNorm = /LayerNorm|layer_norm|\.ln/.test(name);
  if (layerMatch) {
    const index = Number(layerMatch[1]);
    const layer = `layer ${index}`;
    let module: ModuleKind = 'other';
    if (isNorm) module = 'layernorm';
    else if (/attention\.self\.query/.test(name)) module = 'attention.query';
    else if (/attention\.self\.key/.test(name)) module = 'attention.key';
    else if (/attention\.self\.value/.test(name)) module = 'attention.value';
    else if (/attention\.output\.dense/.test(name)) module = 'attention.output';
    else if (/intermediate\.dense/.test(name)) module = 'mlp.in';
    else if (/\.output\.dense/.test(name)) module = 'mlp.out';
    return { layer, layerIndex: index, module };
  }
  if (/(?:^|\.)embeddings\./.test(name))
    return { layer: 'embeddings', layerIndex: null, module: isNorm ? 'layernorm' : 'embeddings' };
  if (/(?:^|\.)pooler\./.test(name)) return { layer: 'pooler', layerIndex: null, module: 'pooler' };
  if (/^(classifier|cls|qa_outputs|score)\./.test(name))
    return { layer: 'head', layerIndex: null, module: isNorm ? 'layernorm' : 'head' };
  return { layer: 'other', layerIndex: null, module: isNorm ? 'layernorm' : 'other' };
}

/** Sort key for layers: embeddings, layer 0…N−1, pooler, head, other. */
export function layerOrder(layer: string): number {
  if (layer === 'embeddings') return -1;
  const match = /^layer (\d+)$/.exec(layer);
  if (match) return Number(match[1]);
  return { pooler: 1e6, head: 1e6 + 1 }[layer] ?? 1e6 + 2;
}
