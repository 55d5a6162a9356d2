// The launch form's text fields: a plan as lines "item, score, count" (or "score, count" without an
// item) and scale wording as lines "score: wording". Errors name the line.
import { InputError } from '@tunelab/core/errors';
import type { TPlanEntry } from '@tunelab/core/synth';

export function parsePlanText(text: string): TPlanEntry[] {
  const plan: TPlanEntry[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const parts = line.split(',').map((p) => p.trim());
    if (parts.length < 2 || parts.length > 3)
      throw new InputError(`plan line ${i + 1}: write "item, score, count" or "score, count"`);
    const [item, score, count] = parts.length === 3 ? parts : [null, parts[0], parts[1]];
    const s = Number(score);
    const c = Number(count);
    if (!Number.isFinite(s)) throw new InputError(`plan line ${i + 1}: score "${score}" is not a number`);
    if (!Number.isInteger(c) || c < 1)
      throw new InputError(`plan line ${i + 1}: count "${count}" is not a positive whole number`);
    plan.push({ item: item || null, score: s, count: c });
  }
  return plan;
}

export function planToText(plan: readonly TPlanEntry[]): string {
  return plan
    .map((p) => (p.item ? `${p.item}, ${p.score}, ${p.count}` : `${p.score}, ${p.count}`))
    .join('\n');
}

export function parseScaleText(text: string): Record<string, string> {
  const scale: Record<string, string> = {};
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (!line) continue;
    const at = line.indexOf(':');
    if (at < 1) throw new InputError(`scale line ${i + 1}: write "score: wording"`);
    const score = Number(line.slice(0, at).trim());
    if (!Number.isFinite(score))
      throw new InputError(`scale line ${i + 1}: "${line.slice(0, at)}" is not a score`);
    scale[String(score)] = line.slice(at + 1).trim();
  }
  return scale;
}
