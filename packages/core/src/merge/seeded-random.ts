/**
 * Small seeded generators so a DARE merge is reproducible: the same seed, tensor and model always
 * drop the same entries, whatever order tensors are streamed in.
 */

/** FNV-1a over a string: a stable 32-bit stream id for a tensor name. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Mixes integers into one 32-bit seed (murmur3 finaliser after each step). */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    h ^= part >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

// DARE drop masks draw from the package-wide generator.
export { mulberry32 } from '../random/index.ts';
