import * as tf from '@tensorflow/tfjs-core';

/** y = x·Wᵀ + b for a Hugging Face Linear (W is [out, in]); x is [rows, in]. */
export function linear(x: tf.Tensor2D, w: tf.Tensor, b: tf.Tensor): tf.Tensor2D {
  return tf.add(tf.matMul(x, w as tf.Tensor2D, false, true), b);
}

/** LayerNorm over the last axis: (x − mean) / √(var + eps) · γ + β (biased variance, as PyTorch). */
export function layerNorm<T extends tf.Tensor>(x: T, gamma: tf.Tensor, beta: tf.Tensor, eps: number): T {
  const mean = tf.mean(x, -1, true);
  const centred = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centred), -1, true);
  return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, eps))), gamma), beta) as T;
}

/**
 * Activation by Hugging Face name. 'gelu' is the exact x·Φ(x) = ½x(1 + erf(x/√2)); 'gelu_new' and
 * 'gelu_pytorch_tanh' are ½x(1 + tanh(√(2/π)(x + 0.044715x³))), with x³ written as x·x·x because
 * tf.pow is several times slower on wasm.
 */
export function activation(x: tf.Tensor, name: string): tf.Tensor {
  switch (name) {
    case 'gelu':
      return geluExact(x);
    case 'gelu_new':
    case 'gelu_pytorch_tanh': {
      const cube = tf.mul(tf.mul(x, x), x);
      const inner = tf.mul(tf.add(x, tf.mul(cube, 0.044715)), Math.sqrt(2 / Math.PI));
      return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(inner)));
    }
    case 'relu':
      return tf.relu(x);
    default:
      throw new Error(`activation "${name}" is not supported`);
  }
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * Exact GELU with a hand-written gradient: d/dx x·Φ(x) = Φ(x) + x·φ(x), φ(x) = e^(−x²/2)/√(2π).
 * Autodiff through mul/add/erf builds about twice as many [tokens × intermediate] temporaries.
 */
const geluExact = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as tf.Tensor;
  const save = args[1] as tf.GradSaveFunc;
  const cdf = tf.mul(0.5, tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
  save([x, cdf]);
  return {
    value: tf.mul(x, cdf),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, c] = saved as [tf.Tensor, tf.Tensor];
      const pdf = tf.mul(tf.exp(tf.mul(tf.square(xs), -0.5)), INV_SQRT_2PI);
      return [tf.mul(dy, tf.add(c, tf.mul(xs, pdf)))];
    },
  };
}) as (x: tf.Tensor) => tf.Tensor;

/**
 * Inverted dropout with an explicit seed, so runs are reproducible; identity when rate is 0. The
 * keep mask (0 or 1/(1−rate)) is drawn with a xorshift32 stream in JS: tf.dropout draws through
 * seedrandom at ~12 ns per element, which cost 4–6% of a training step.
 *
 * `seed` may be one number (one stream over the whole tensor) or one seed per batch row: then
 * row b's block (the tensor's first dimension is the batch, so rows are contiguous) draws from its
 * own stream, and a row gets the same mask whichever slice of the batch it is computed in
 * (micro-batches, data-parallel threads).
 */
export function dropout<T extends tf.Tensor>(
  x: T,
  rate: number,
  seed: number | readonly number[] | undefined,
): T {
  if (rate <= 0 || seed === undefined) return x;
  const n = x.size;
  const mask = new Float32Array(n);
  const scale = 1 / (1 - rate);
  // Compare raw 32-bit draws against the threshold: no float conversion per element.
  const threshold = Math.floor(rate * 4294967296);
  const seeds = typeof seed === 'number' ? [seed] : seed;
  if (n % seeds.length !== 0)
    throw new Error(`dropout: ${seeds.length} row seeds do not divide a tensor of ${n} entries`);
  const block = n / seeds.length;
  for (let r = 0; r < seeds.length; r++) {
    let s = ((seeds[r] as number) ^ 0x9e3779b9) >>> 0 || 1;
    const end = (r + 1) * block;
    for (let i = r * block; i < end; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      if (s >>> 0 >= threshold) mask[i] = scale;
    }
  }
  return tf.mul(x, tf.tensor(mask, x.shape, 'float32')) as T;
}
