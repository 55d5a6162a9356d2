/**
 * Weighted least-squares fit of err(n) = a·n^(−b) + c, with a ≥ 0 (error falls with data), b in
 * [B_MIN, B_MAX] and c ≥ 0 when every error is ≥ 0 (an error floor cannot be negative).
 *
 * Given b the model is linear in (a, c), so the fit is a variable projection: for each b the best
 * (a, c) under the bounds is solved in closed form, and only b is searched — on a log grid, then by
 * golden section between the best grid point's neighbours. Every b on the grid is tried, so the
 * search cannot stall in a local minimum the way a general optimiser started at one guess can
 * (learning curves are often flat or noisy, where a, b and c trade off against each other).
 *
 * @example fitPowerLaw([100, 400, 1600, 6400], [0.6, 0.35, 0.225, 0.1625], [1, 1, 1, 1])
 *   // ≈ { a: 5, b: 0.5, c: 0.1, sse: 0 }: 5·100^(−0.5) + 0.1 = 0.6, 5·400^(−0.5) + 0.1 = 0.35, …
 */
export interface PowerLaw {
  a: number;
  b: number;
  c: number;
}

export const B_MIN = 0.01;
export const B_MAX = 4;
const GRID = 64;
const GOLDEN_STEPS = 48;

export function powerLawValue(p: PowerLaw, n: number): number {
  return p.a * n ** -p.b + p.c;
}

interface Solved extends PowerLaw {
  sse: number;
}

export function fitPowerLaw(ns: readonly number[], ys: readonly number[], ws: readonly number[]): Solved {
  // x = n / nRef keeps the linear system well scaled for any data size; a is mapped back at the end
  const nRef = Math.max(...ns);
  const cMin = ys.every((y) => y >= 0) ? 0 : Number.NEGATIVE_INFINITY;
  const at = (b: number) => solveLinear(ns, ys, ws, nRef, b, cMin);
  let best = at(B_MIN);
  let bestIndex = 0;
  const grid: number[] = [];
  for (let i = 0; i < GRID; i++) grid.push(B_MIN * (B_MAX / B_MIN) ** (i / (GRID - 1)));
  grid.forEach((b, i) => {
    const s = at(b);
    if (s.sse < best.sse) {
      best = s;
      bestIndex = i;
    }
  });
  // golden section on [left, right] around the best grid b
  let lo = grid[Math.max(0, bestIndex - 1)] as number;
  let hi = grid[Math.min(GRID - 1, bestIndex + 1)] as number;
  const phi = (Math.sqrt(5) - 1) / 2;
  let x1 = hi - phi * (hi - lo);
  let x2 = lo + phi * (hi - lo);
  let f1 = at(x1);
  let f2 = at(x2);
  for (let i = 0; i < GOLDEN_STEPS; i++) {
    if (f1.sse <= f2.sse) {
      hi = x2;
      x2 = x1;
      f2 = f1;
      x1 = hi - phi * (hi - lo);
      f1 = at(x1);
    } else {
      lo = x1;
      x1 = x2;
      f1 = f2;
      x2 = lo + phi * (hi - lo);
      f2 = at(x2);
    }
  }
  for (const s of [f1, f2]) if (s.sse < best.sse) best = s;
  return { a: best.a * nRef ** best.b, b: best.b, c: best.c, sse: best.sse };
}

/** Best (A, c) for y ≈ A·(n/nRef)^(−b) + c under A ≥ 0, c ≥ cMin: the feasible KKT candidate with least SSE. */
function solveLinear(
  ns: readonly number[],
  ys: readonly number[],
  ws: readonly number[],
  nRef: number,
  b: number,
  cMin: number,
): Solved {
  const us = ns.map((n) => (n / nRef) ** -b);
  let sw = 0;
  let su = 0;
  let sy = 0;
  let suu = 0;
  let suy = 0;
  for (let i = 0; i < us.length; i++) {
    const w = ws[i] as number;
    const u = us[i] as number;
    const y = ys[i] as number;
    sw += w;
    su += w * u;
    sy += w * y;
    suu += w * u * u;
    suy += w * u * y;
  }
  const sse = (a: number, c: number) => {
    let s = 0;
    for (let i = 0; i < us.length; i++)
      s += (ws[i] as number) * ((ys[i] as number) - a * (us[i] as number) - c) ** 2;
    return s;
  };
  const candidates: [number, number][] = [];
  const det = sw * suu - su * su;
  // a nearly singular system means u is (almost) constant: a and c cannot be told apart, try the edges
  if (det > 1e-12 * sw * suu) {
    const a = (sw * suy - su * sy) / det;
    const c = (sy - a * su) / sw;
    if (a >= 0 && c >= cMin) candidates.push([a, c]);
  }
  candidates.push([0, Math.max(cMin, sy / sw)]);
  if (Number.isFinite(cMin) && suu > 0) candidates.push([Math.max(0, (suy - cMin * su) / suu), cMin]);
  let best: Solved = { a: 0, b, c: 0, sse: Number.POSITIVE_INFINITY };
  for (const [a, c] of candidates) {
    const s = sse(a, c);
    if (s < best.sse) best = { a, b, c, sse: s };
  }
  return best;
}
