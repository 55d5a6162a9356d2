// Data-scaling curves: fit err(n) = a·n^(−b) + c to a sweep's points and answer "how many examples?".

export type { BaselineCheck } from './baseline.ts';
export {
  type FitScalingOptions,
  fitScaling,
  predictScaling,
  ScalingError,
  type ScalingFit,
  type ScalingPoint,
  type ScalingVerdict,
  type SizeSummary,
} from './fit-scaling.ts';
export { parseScalingPoints } from './points-file.ts';
export { fitPowerLaw, type PowerLaw, powerLawValue } from './power-law.ts';
