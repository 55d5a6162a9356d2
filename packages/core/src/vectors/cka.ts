/**
 * Linear centered kernel alignment of two representations of the same n examples (Kornblith,
 * Norouzi, Lee & Hinton 2019, "Similarity of Neural Network Representations Revisited", eq. 5):
 * with X (n×p) and Y (n×q) column-centered,
 *
 *   CKA(X, Y) = ‖Yᵀ X‖²_F / (‖Xᵀ X‖_F · ‖Yᵀ Y‖_F)
 *             = ⟨X Xᵀ, Y Yᵀ⟩_F / (‖X Xᵀ‖_F · ‖Y Yᵀ‖_F)    (the n×n form, used when n < p or q)
 *
 * In [0, 1]; 1 for X = Y; invariant to orthogonal transforms and isotropic scaling of either side
 * (not to arbitrary invertible linear maps); p and q may differ. NaN when a side is constant (all
 * its centered columns zero). Row-major inputs, float64 arithmetic.
 */
export function linearCka(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  n: number,
  p: number,
  q: number,
): number {
  if (x.length !== n * p || y.length !== n * q)
    throw new Error(`linearCka: ${x.length} and ${y.length} values for ${n} rows of ${p} and ${q}`);
  const cx = centered(x, n, p);
  const cy = centered(y, n, q);
  let cross: number;
  let xx: number;
  let yy: number;
  if (n < Math.max(p, q)) {
    const k = rowGram(cx, n, p);
    const l = rowGram(cy, n, q);
    cross = 0;
    xx = 0;
    yy = 0;
    for (let i = 0; i < n * n; i++) {
      cross += (k[i] as number) * (l[i] as number);
      xx += (k[i] as number) ** 2;
      yy += (l[i] as number) ** 2;
    }
  } else {
    cross = squaredNorm(columnProduct(cx, cy, n, p, q));
    xx = squaredNorm(columnProduct(cx, cx, n, p, p));
    yy = squaredNorm(columnProduct(cy, cy, n, q, q));
  }
  const denominator = Math.sqrt(xx) * Math.sqrt(yy);
  return denominator > 0 ? cross / denominator : Number.NaN;
}

function centered(m: ArrayLike<number>, n: number, p: number): Float64Array {
  const out = new Float64Array(n * p);
  for (let j = 0; j < p; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += m[i * p + j] as number;
    mean /= n;
    for (let i = 0; i < n; i++) out[i * p + j] = (m[i * p + j] as number) - mean;
  }
  return out;
}

/** M Mᵀ (n×n) for M n×p. */
function rowGram(m: Float64Array, n: number, p: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let a = 0; a < n; a++)
    for (let b = a; b < n; b++) {
      let s = 0;
      for (let j = 0; j < p; j++) s += (m[a * p + j] as number) * (m[b * p + j] as number);
      out[a * n + b] = s;
      out[b * n + a] = s;
    }
  return out;
}

/** Aᵀ B (p×q) for A n×p, B n×q. */
function columnProduct(a: Float64Array, b: Float64Array, n: number, p: number, q: number): Float64Array {
  const out = new Float64Array(p * q);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < p; j++) {
      const aij = a[i * p + j] as number;
      if (aij === 0) continue;
      for (let k = 0; k < q; k++)
        out[j * q + k] = (out[j * q + k] as number) + aij * (b[i * q + k] as number);
    }
  return out;
}

function squaredNorm(m: Float64Array): number {
  let s = 0;
  for (let i = 0; i < m.length; i++) s += (m[i] as number) ** 2;
  return s;
}
