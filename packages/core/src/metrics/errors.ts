/** Metric inputs that cannot be scored; the message names the argument and index. */
export class MetricsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MetricsError';
  }
}

/** Same non-zero length, finite numbers; returns n. */
export function checkPairs(predictions: ArrayLike<number>, labels: ArrayLike<number>, what: string): number {
  if (predictions.length !== labels.length) {
    throw new MetricsError(`${what}: ${predictions.length} predictions but ${labels.length} labels`);
  }
  if (labels.length === 0) throw new MetricsError(`${what}: no examples to score (empty input)`);
  for (let i = 0; i < labels.length; i++) {
    if (!Number.isFinite(predictions[i])) {
      throw new MetricsError(`${what}: prediction ${i} is ${predictions[i]}, not a finite number`);
    }
    if (!Number.isFinite(labels[i]))
      throw new MetricsError(`${what}: label ${i} is ${labels[i]}, not a finite number`);
  }
  return labels.length;
}
