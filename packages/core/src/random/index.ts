/**
 * The one seeded generator of @tunelab/core (mulberry32): splits, compositions, folds, DARE drop
 * masks and training (init, dropout, shuffling) all draw from it, so a seed means the same thing
 * everywhere and on every machine. Its whole state is one 32-bit integer, so a checkpoint can store
 * it and a resumed run draws exactly the numbers an uninterrupted run would.
 */
export class Rng {
  state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }
  /** A 31-bit seed for tfjs ops (dropout) derived from this stream. */
  nextSeed(): number {
    return Math.floor(this.next() * 2147483647);
  }
  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  /** Fisher–Yates shuffle in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }
}

/** A function drawing uniform numbers in [0, 1) from `seed`. */
export function seededRandom(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
}

/** A function drawing uniform 32-bit unsigned integers from `seed`. */
export function mulberry32(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.nextUint32();
}
