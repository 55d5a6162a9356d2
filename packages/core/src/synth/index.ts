// Synthetic data with experts in the loop: generation plans and prompts, checks on generated
// texts, and agreement statistics between reviewers and target scores. Pure; no I/O.
export * from './agreement.ts';
export * from './checks.ts';
export * from './endpoint.ts';
export * from './plan.ts';
export { fCdf, fQuantile, incompleteBeta } from './stats.ts';
