/**
 * Fractional epochs for the epoch x-axis. Training writes each step's point with the whole epoch it
 * belongs to (1, 1, 1, … 2, 2), which would stack a loss curve into vertical bars. The points written
 * at the end of each epoch (eval metrics) give each epoch's last step, so a step s of epoch E maps to
 * (E − 1) + (s − end(E−1)) / (end(E) − end(E−1)).
 *
 * Example: epochs end at steps 10 and 20; step 15 of epoch 2 → 1.5.
 *
 * `stepsPerEpoch` estimates an epoch whose end is not written yet (a live first epoch); the length
 * of the previous epoch is used when known. Epochs already fractional are kept.
 */
export function fractionalEpoch(
  step: number,
  epoch: number,
  epochEnds: ReadonlyMap<number, number>,
  stepsPerEpoch?: number,
): number {
  if (!Number.isInteger(epoch) || epoch < 1) return epoch;
  const start = epoch === 1 ? 0 : epochEnds.get(epoch - 1);
  if (start === undefined) return epoch;
  let end = epochEnds.get(epoch);
  if (end === undefined) {
    const previous =
      epoch > 1 ? start - (epoch === 2 ? 0 : (epochEnds.get(epoch - 2) ?? Number.NaN)) : Number.NaN;
    const length = Number.isFinite(previous) && previous > 0 ? previous : stepsPerEpoch;
    if (!length || !Number.isFinite(length) || length <= 0) return epoch;
    end = start + length;
  }
  if (end <= start) return epoch;
  return epoch - 1 + Math.min(1, Math.max(0, (step - start) / (end - start)));
}
