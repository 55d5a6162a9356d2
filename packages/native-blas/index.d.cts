export interface NativeBlas {
  /** Name of the BLAS linked in: "OpenBLAS" or "Accelerate". */
  vendor: string;
  /**
   * Row-major batched product on float32 views: for i < batch,
   * c[i·m·n …] = op(a[i·strideA …]) · op(b[i·strideB …]), op = transpose when the flag is set
   * (a is [m, k] or, transposed, [k, m]). A stride of 0 repeats one matrix for every product.
   */
  sgemm(
    a: Float32Array,
    b: Float32Array,
    c: Float32Array,
    batch: number,
    m: number,
    n: number,
    k: number,
    transA: boolean,
    transB: boolean,
    strideA: number,
    strideB: number,
  ): void;
  /** Threads the BLAS may use per call (OpenBLAS; a no-op on Accelerate). */
  setThreads(n: number): void;
  /** Threads the BLAS uses per call; 0 when the BLAS does not say. */
  getThreads(): number;
}
export declare const available: boolean;
export declare const error: string | null;
export declare const addon: NativeBlas | null;
