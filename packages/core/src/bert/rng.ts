// The training RNG is the package-wide generator; kept as a module so existing imports stay short.
export { Rng } from '../random/index.ts';
