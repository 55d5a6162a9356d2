/**
 * Singular values of a float32 matrix through the eigenvalues of its smaller Gram matrix, all in
 * float64: for A (m×n), G = A·Aᵀ if m ≤ n else Aᵀ·A; σᵢ = √max(λᵢ(G), 0). Squaring the matrix
 * loses the smallest singular values below ~1e-8·σ₁ to rounding, which is far below what the
 * effective rank looks at; in exchange a 1024×4096 matrix needs one 1024×1024 symmetric eigenvalue
 * problem (Householder tridiagonalisation + implicit QL) instead of a full SVD.
 */
export function singularValues(data: Float32Array, rows: number, cols: number): Float64Array {
  if (data.length !== rows * cols)
    throw new Error(`singularValues: ${data.length} entries, shape ${rows}×${cols}`);
  const { gram, size } = smallerGram(data, rows, cols);
  const eigen = symmetricEigenvalues(gram, size);
  const sigma = new Float64Array(size);
  for (let i = 0; i < size; i++) sigma[i] = Math.sqrt(Math.max(eigen[i] as number, 0));
  return sigma.sort().reverse();
}

/**
 * Effective rank: the fewest singular values whose energy Σσᵢ² reaches `share` (default 90%) of
 * the total ‖A‖²_F. Example: σ = [3, 1, 1] → energies 9, 1, 1 of 11; 9/11 = 82% < 90%, 10/11 =
 * 91% → effective rank 2. A zero matrix has effective rank 0.
 */
export function effectiveRank(sigmaDescending: ArrayLike<number>, share = 0.9): number {
  let total = 0;
  for (let i = 0; i < sigmaDescending.length; i++) total += (sigmaDescending[i] as number) ** 2;
  if (total === 0) return 0;
  let running = 0;
  for (let i = 0; i < sigmaDescending.length; i++) {
    running += (sigmaDescending[i] as number) ** 2;
    if (running >= share * total * (1 - 1e-12)) return i + 1;
  }
  return sigmaDescending.length;
}

/** Lower triangle (row-major, full n×n storage) of A·Aᵀ or Aᵀ·A, whichever is smaller. */
export function smallerGram(
  data: Float32Array,
  rows: number,
  cols: number,
): { gram: Float64Array; size: number } {
  const size = Math.min(rows, cols);
  const length = Math.max(rows, cols);
  // Rows of the "wide" view (size × length) in float64: A itself, or Aᵀ.
  const wide = new Float64Array(size * length);
  if (rows <= cols) {
    for (let i = 0; i < data.length; i++) wide[i] = data[i] as number;
  } else {
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) wide[c * rows + r] = data[r * cols + c] as number;
    }
  }
  const gram = new Float64Array(size * size);
  // Four rows i at a time against one row j ≤ i: row j is loaded once for four dot products.
  for (let i0 = 0; i0 < size; i0 += 4) {
    const count = Math.min(4, size - i0);
    const o0 = i0 * length;
    const o1 = (i0 + Math.min(1, count - 1)) * length;
    const o2 = (i0 + Math.min(2, count - 1)) * length;
    const o3 = (i0 + Math.min(3, count - 1)) * length;
    const last = i0 + count - 1;
    for (let j = 0; j <= last; j++) {
      const oj = j * length;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let k = 0; k < length; k++) {
        const x = wide[oj + k] as number;
        s0 += (wide[o0 + k] as number) * x;
        s1 += (wide[o1 + k] as number) * x;
        s2 += (wide[o2 + k] as number) * x;
        s3 += (wide[o3 + k] as number) * x;
      }
      const sums = [s0, s1, s2, s3];
      for (let t = 0; t < count; t++) if (j <= i0 + t) gram[(i0 + t) * size + j] = sums[t] as number;
    }
  }
  return { gram, size };
}

/**
 * Eigenvalues of a symmetric n×n matrix given by its lower triangle (row-major; overwritten):
 * Householder reduction to tridiagonal form, then the implicit QL method with Wilkinson-type shifts
 * (Golub & Van Loan, Matrix Computations, §8.3; the EISPACK tred1/tql1 pair). Unsorted.
 */
export function symmetricEigenvalues(a: Float64Array, n: number): Float64Array {
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const u = new Float64Array(n);
  const p = new Float64Array(n);
  for (let i = n - 1; i >= 1; i--) {
    const row = i * n;
    let scale = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(a[row + k] as number);
    if (i === 1 || scale === 0) {
      e[i] = a[row + i - 1] as number;
      d[i] = a[row + i] as number;
      continue;
    }
    let h = 0;
    for (let k = 0; k < i; k++) {
      const x = (a[row + k] as number) / scale;
      u[k] = x;
      h += x * x;
    }
    const f = u[i - 1] as number;
    const g = f >= 0 ? -Math.sqrt(h) : Math.sqrt(h);
    e[i] = scale * g;
    h -= f * g; // H = ½‖u‖², u = x − g·e_{i−1}
    u[i - 1] = f - g;
    // p = A₁₁u / H with A₁₁ the leading i×i block, read from its lower triangle row by row.
    p.fill(0, 0, i);
    for (let j = 0; j < i; j++) {
      const rj = j * n;
      const uj = u[j] as number;
      let s = 0;
      for (let k = 0; k < j; k++) {
        const ajk = a[rj + k] as number;
        s += ajk * (u[k] as number);
        p[k] = (p[k] as number) + ajk * uj;
      }
      p[j] = (p[j] as number) + s + (a[rj + j] as number) * uj;
    }
    let uTp = 0;
    for (let j = 0; j < i; j++) {
      p[j] = (p[j] as number) / h;
      uTp += (u[j] as number) * (p[j] as number);
    }
    const K = uTp / (2 * h);
    for (let j = 0; j < i; j++) p[j] = (p[j] as number) - K * (u[j] as number); // p now holds q
    // A₁₁ ← A₁₁ − q·uᵀ − u·qᵀ on the lower triangle.
    for (let j = 0; j < i; j++) {
      const rj = j * n;
      const qj = p[j] as number;
      const uj = u[j] as number;
      for (let k = 0; k <= j; k++)
        a[rj + k] = (a[rj + k] as number) - qj * (u[k] as number) - uj * (p[k] as number);
    }
    d[i] = a[row + i] as number;
  }
  d[0] = a[0] as number;
  tridiagonalQL(d, e, n);
  return d;
}

/** Implicit QL on a tridiagonal matrix: diagonal d, sub-diagonal e[i] between rows i−1 and i. */
function tridiagonalQL(d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i] as number;
  if (n > 0) e[n - 1] = 0;
  for (let l = 0; l < n; l++) {
    let iterations = 0;
    for (;;) {
      let m = l;
      for (; m < n - 1; m++) {
        const dd = Math.abs(d[m] as number) + Math.abs(d[m + 1] as number);
        if (Math.abs(e[m] as number) <= Number.EPSILON * dd) break;
      }
      if (m === l) break;
      if (++iterations > 60) throw new Error('symmetricEigenvalues: QL did not converge');
      let g = ((d[l + 1] as number) - (d[l] as number)) / (2 * (e[l] as number));
      let r = Math.hypot(g, 1);
      g = (d[m] as number) - (d[l] as number) + (e[l] as number) / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let shift = 0;
      let underflow = false;
      for (let i = m - 1; i >= l; i--) {
        const f = s * (e[i] as number);
        const b = c * (e[i] as number);
        r = Math.hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          d[i + 1] = (d[i + 1] as number) - shift;
          e[m] = 0;
          underflow = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = (d[i + 1] as number) - shift;
        r = ((d[i] as number) - g) * s + 2 * c * b;
        shift = s * r;
        d[i + 1] = g + shift;
        g = c * r - b;
      }
      if (underflow) continue;
      d[l] = (d[l] as number) - shift;
      e[l] = g;
      e[m] = 0;
    }
  }
}
