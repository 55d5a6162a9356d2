// One data-parallel training thread: its own tfjs backend and model replica. It reads the weights
// from the shared buffer whenever the coordinator says they changed, and writes the gradient of its
// slice of each batch into its own region of the shared gradient buffer.
import { parentPort, workerData } from 'node:worker_threads';
import type * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../backend/select.ts';
import { BertModel } from '../../bert/model.ts';
import type { TensorMap } from '../../safetensors/index.ts';
import { batchGradients } from '../gradients.ts';
import { lossFunction } from '../objective.ts';
import { logitsOf } from '../predict.ts';
import { layoutView } from './layout.ts';
import type { FromReplica, ReplicaInit, ToReplica } from './messages.ts';
import { readTensor, writeVariable } from './tensor-copy.ts';

const port = parentPort;
if (port === null) throw new Error('replica.ts runs as a worker thread only');
const init = (workerData as { init: ReplicaInit }).init;
const send = (m: FromReplica) => port.postMessage(m);

try {
  await initBackend(init.backend, () => {});
  const tensors: TensorMap = new Map(
    init.all.names.map((name, i) => [
      name,
      { shape: init.all.shapes[i] as number[], data: layoutView(init.weights, init.all, i).slice() },
    ]),
  );
  const model = BertModel.fromTensors(init.config, tensors, { head: init.head, numLabels: init.numLabels });
  const vars = new Map(init.trainable.names.map((n) => [n, model.param(n)]));
  const loss = init.loss === null ? null : await lossFunction(init.loss);
  const allIndex = new Map(init.all.names.map((n, i) => [n, i]));
  let version = 0;
  const reload = (wanted: number) => {
    if (wanted === version) return;
    init.trainable.names.forEach((name) => {
      writeVariable(
        vars.get(name) as tf.Variable,
        layoutView(init.weights, init.all, allIndex.get(name) as number),
      );
    });
    version = wanted;
  };
  port.on('message', (m: ToReplica) => {
    try {
      reload(m.version);
      if (m.kind === 'logits') {
        send({ kind: 'logits', logits: logitsOf(model, m.encodings, init.padId, m.batchSize) });
        return;
      }
      if (loss === null) throw new Error('this pool computes predictions only');
      const r = batchGradients(model, vars, loss, m.batch, init.microBatch);
      const base = init.region * init.trainable.total;
      init.trainable.names.forEach((name, i) => {
        const out = layoutView(init.grads, init.trainable, i, base);
        const g = r.grads.get(name);
        if (g === undefined) out.fill(0);
        else out.set(readTensor(g));
      });
      for (const g of r.grads.values()) g.dispose();
      send({ kind: 'grads', loss: r.loss });
    } catch (error) {
      send({
        kind: 'error',
        message: String((error as Error)?.message ?? error),
        stack: (error as Error)?.stack,
      });
    }
  });
  send({ kind: 'ready' });
} catch (error) {
  send({
    kind: 'error',
    message: String((error as Error)?.message ?? error),
    stack: (error as Error)?.stack,
  });
}
