import {
  parseSafetensorsHeader,
  readSafetensors,
  type TensorMap,
  writeSafetensors,
} from '../safetensors/index.ts';
import type { TrainCheckpoint } from './types.ts';

const META_KEY = 'tunelab_checkpoint';
const GROUPS = ['weights', 'm', 'v', 'best'] as const;

/** One safetensors buffer holding weights, Adam moments and best weights ("weights/<name>", …), with the rest as JSON metadata. */
export function encodeCheckpoint(c: TrainCheckpoint): Uint8Array {
  const all: TensorMap = new Map();
  const add = (prefix: string, map: TensorMap | null) => {
    for (const [name, t] of map ?? []) all.set(`${prefix}/${name}`, t);
  };
  add('weights', c.weights);
  add('m', c.optimizer.m);
  add('v', c.optimizer.v);
  add('best', c.best.weights);
  const meta = {
    version: c.version,
    epoch: c.epoch,
    step: c.step,
    rngState: c.rngState,
    optimizerStep: c.optimizer.step,
    best: {
      value: c.best.value,
      epoch: c.best.epoch,
      badEpochs: c.best.badEpochs,
      hasWeights: c.best.weights !== null,
    },
    history: c.history,
    ...(c.inEpoch ? { inEpoch: c.inEpoch } : {}),
  };
  return writeSafetensors(all, { [META_KEY]: JSON.stringify(meta) });
}

export function decodeCheckpoint(bytes: Uint8Array, source = 'checkpoint'): TrainCheckpoint {
  const raw = parseSafetensorsHeader(bytes, source).metadata[META_KEY];
  if (raw === undefined) throw new Error(`${source}: not a TuneLab checkpoint (no ${META_KEY} metadata)`);
  const meta = JSON.parse(raw);
  const groups: Record<(typeof GROUPS)[number], TensorMap> = {
    weights: new Map(),
    m: new Map(),
    v: new Map(),
    best: new Map(),
  };
  for (const [key, t] of readSafetensors(bytes, source)) {
    const slash = key.indexOf('/');
    const group = key.slice(0, slash) as (typeof GROUPS)[number];
    if (!GROUPS.includes(group)) throw new Error(`${source}: unexpected tensor ${key}`);
    groups[group].set(key.slice(slash + 1), t);
  }
  return {
    version: 1,
    epoch: meta.epoch,
    step: meta.step,
    rngState: meta.rngState,
    weights: groups.weights,
    optimizer: { step: meta.optimizerStep, m: groups.m, v: groups.v },
    best: {
      value: meta.best.value,
      epoch: meta.best.epoch,
      badEpochs: meta.best.badEpochs,
      weights: meta.best.hasWeights ? groups.best : null,
    },
    history: meta.history,
    ...(meta.inEpoch ? { inEpoch: meta.inEpoch } : {}),
  };
}
