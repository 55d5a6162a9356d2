// One text of a generation plan: the few-shot examples drawn (seeded) from real rows with the
// target score, the prompt, and the chat call. The worker's generate.run and `tunelab generate`
// both go through these, so a run and the command line ask the endpoint the same thing.
import type OpenAI from 'openai';
import { Rng } from '../random/index.ts';
import { endpointHost, isLoopbackUrl } from '../synth/endpoint.ts';
import { renderPrompt, type TGenerationSpec, type TPlannedText } from '../synth/plan.ts';
import { chat, type TChatResult, type TEndpoint, type TRetryPolicy } from './chat.ts';

/** A real row that may be a few-shot example (train split only: test rows never go into prompts). */
export interface TFewShotRow {
  id: string;
  text: string;
  label: number;
}

/**
 * The privacy switch: why real rows may not go to this endpoint (null when they may). Real rows go
 * only to this machine, or where the user allowed it for the connection.
 */
export function realRowsRefusal(
  spec: Pick<TGenerationSpec, 'fewShot'>,
  connection: { name: string; baseUrl: string; allowRealRows: boolean },
): string | null {
  if (spec.fewShot === 0 || isLoopbackUrl(connection.baseUrl) || connection.allowRealRows) return null;
  return (
    `connection "${connection.name}" (${endpointHost(connection.baseUrl)}) is outside this machine and may not receive real rows: ` +
    'allow real rows on the connection, or set few-shot examples to 0'
  );
}

export interface TPromptedText {
  /** spec.seed + the text's position: the chat seed and the few-shot draw's. */
  seed: number;
  prompt: string;
  shots: TFewShotRow[];
  messages: { role: 'system' | 'user'; content: string }[];
}

/** The prompt of one planned text: the template filled, then the few-shot examples (seeded draw). */
export function promptFor(
  spec: TGenerationSpec,
  planned: TPlannedText,
  pool: readonly TFewShotRow[],
): TPromptedText {
  const seed = spec.seed + planned.index;
  const rng = new Rng(seed);
  const candidates = pool.filter((r) => r.label === planned.score);
  const shots = spec.fewShot > 0 ? rng.shuffle([...candidates]).slice(0, spec.fewShot) : [];
  let prompt = renderPrompt(spec.template, { item: planned.item, score: planned.score, scale: spec.scale });
  if (shots.length > 0)
    prompt += `\n\nExamples with this score (do not copy them):\n${shots.map((s) => `- ${s.text}`).join('\n')}`;
  const messages = [
    ...(spec.system ? [{ role: 'system' as const, content: spec.system }] : []),
    { role: 'user' as const, content: prompt },
  ];
  return { seed, prompt, shots, messages };
}

/** Writes one planned text: its prompt (promptFor) and the chat call with the retry policy. */
export async function generateText(
  client: OpenAI,
  endpoint: TEndpoint,
  spec: TGenerationSpec,
  planned: TPlannedText,
  pool: readonly TFewShotRow[],
  policy: TRetryPolicy,
): Promise<TPromptedText & { result: TChatResult }> {
  const prompted = promptFor(spec, planned, pool);
  const result = await chat(
    client,
    endpoint,
    {
      messages: prompted.messages,
      temperature: spec.temperature,
      seed: prompted.seed,
      maxTokens: spec.maxTokens,
    },
    policy,
  );
  return { ...prompted, result };
}
