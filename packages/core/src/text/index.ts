// Text a user gives that TuneLab stores: names, dataset cells. PostgreSQL refuses NUL (U+0000) in
// text and unpaired UTF-16 surrogates in JSON, which would surface as a 500 carrying the INSERT; so
// every such input is checked here first and refused with a message that says where.
import { z } from 'zod';

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this finds
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/**
 * Why `value` cannot be stored as text, or undefined: a NUL or an unpaired surrogate (only a JSON
 * escape such as "\ud800" makes one), with its 1-based character position.
 */
export function characterProblem(value: string): string | undefined {
  const nul = value.indexOf('\u0000');
  if (nul >= 0) return `holds a NUL character (U+0000) at character ${nul + 1}`;
  const lone = LONE_SURROGATE.exec(value);
  if (lone) {
    const code = lone[0].charCodeAt(0).toString(16).toUpperCase();
    return `holds an unpaired surrogate (U+${code}) at character ${lone.index + 1}`;
  }
  return undefined;
}

/** Why a one-line name (of a dataset, model, run, file) cannot be stored, or undefined. */
export function nameProblem(value: string): string | undefined {
  const problem = characterProblem(value);
  if (problem) return problem;
  const control = CONTROL.exec(value);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    return `holds a control character (U+${code}) at character ${control.index + 1}`;
  }
  return undefined;
}

/** A trimmed, non-empty display name of at most `max` characters without NUL or control characters. */
export function zName(max: number, what = 'name') {
  return z
    .string()
    .trim()
    .min(1, `the ${what} is empty`)
    .max(max, `${what}: at most ${max} characters`)
    .superRefine((value, ctx) => {
      const problem = nameProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: `${what} ${problem}` });
    });
}

/** As zName, but empty is allowed (the name is then made up). */
export function zOptionalName(max: number, what = 'name') {
  return z
    .string()
    .trim()
    .max(max, `${what}: at most ${max} characters`)
    .superRefine((value, ctx) => {
      const problem = nameProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: `${what} ${problem}` });
    });
}
