// The first generation of a recipe search: a space-filling design of the unit box instead of a
// Gaussian cloud around the centre, so that a small budget still sees the box's edges (where a
// merge's best λ or density often lies) before CMA-ES narrows in. Seeded, pure.
import { Rng } from '../random/index.ts';

/**
 * `count` points in [0, 1]^dimension: the centre first, then a Latin hypercube on the lattice
 * {0, 1/(m−1), …, 1} (m = count − 1 points; every coordinate takes each level once, in a seeded
 * order), so the box's extremes are always among the levels. With m = 1 the one point is a corner.
 */
export function spaceFillingDesign(dimension: number, count: number, seed: number): number[][] {
  if (count < 1) return [];
  const centre = new Array(dimension).fill(0.5);
  const m = count - 1;
  if (m === 0) return [centre];
  const rng = new Rng(seed);
  const levels = (k: number) => (m === 1 ? rng.int(2) : k / (m - 1));
  const columns = Array.from({ length: dimension }, () => {
    const column = Array.from({ length: m }, (_, k) => levels(k));
    for (let i = m - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [column[i], column[j]] = [column[j] as number, column[i] as number];
    }
    return column;
  });
  const rest = Array.from({ length: m }, (_, k) => columns.map((c) => c[k] as number));
  return [centre, ...rest];
}
