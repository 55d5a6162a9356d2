// Sweep plans: the grid of runs (fraction × synthetic share × seed) and two-way training subsets.
export { drawMixture, type MixtureRow, mixtureSize } from './mixture.ts';
export { cellLabel, percent, type SweepCell, sameCell, sweepCells } from './plan.ts';
