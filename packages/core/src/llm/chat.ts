// The one client of OpenAI-compatible chat-completions endpoints (the `openai` package with a
// baseURL): a chat call with our own retry policy (429 and 5xx and dropped connections retried with
// doubling backoff; any other refusal fails at once with the endpoint's reason) and the "test
// connection" probe. Every message that leaves this module has the key removed.
import OpenAI, { APIConnectionError, APIError } from 'openai';
import { InputError } from '../errors/index.ts';
import { redactKey } from '../synth/endpoint.ts';

export interface TEndpoint {
  baseUrl: string;
  model: string;
  apiKey: string | null;
}

/** The endpoint refused the request (4xx other than 429, a refusal, a content filter, no text). */
export class EndpointRefusedError extends InputError {
  override name = 'EndpointRefusedError';
}

export function createChatClient(endpoint: TEndpoint, timeoutMs = 120_000): OpenAI {
  return new OpenAI({
    baseURL: endpoint.baseUrl,
    // Local servers take no key; the client insists on one, and this one is never sent anywhere else.
    apiKey: endpoint.apiKey || 'no-key',
    maxRetries: 0,
    timeout: timeoutMs,
  });
}

function reasonOf(error: unknown, key: string | null): string {
  if (error instanceof APIError) {
    const body = error.error as { message?: unknown } | undefined;
    const detail = typeof body?.message === 'string' ? body.message : error.message;
    return redactKey(`${error.status ?? 'no status'}: ${detail}`, key);
  }
  return redactKey(error instanceof Error ? error.message : String(error), key);
}

function retryable(error: unknown): boolean {
  if (error instanceof APIConnectionError) return true;
  if (error instanceof APIError) return error.status === 429 || (error.status ?? 0) >= 500;
  return false;
}

export interface TChatRequest {
  messages: { role: 'system' | 'user' | 'assistant'; content: string }[];
  temperature: number;
  seed: number;
  maxTokens: number;
}

export interface TChatResult {
  text: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
  retries: number;
}

export interface TRetryPolicy {
  attempts: number;
  backoffMs: number;
  /** Called before each wait (for the run log); the message carries no key. */
  onRetry?: (message: string, waitMs: number) => Promise<void> | void;
  /** Called between waits; throws to stop (a cancelled run). */
  check?: () => Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One chat completion. Retries 429 / 5xx / connection failures up to `attempts` times with
 * doubling backoff (a Retry-After header, when shorter than a minute, sets the wait); throws
 * EndpointRefusedError with the endpoint's reason for anything else, and a plain Error (retryable
 * by the job) when the retries run out.
 */
export async function chat(
  client: OpenAI,
  endpoint: TEndpoint,
  request: TChatRequest,
  policy: TRetryPolicy,
): Promise<TChatResult> {
  let retries = 0;
  for (;;) {
    try {
      const response = await client.chat.completions.create({
        model: endpoint.model,
        messages: request.messages,
        temperature: request.temperature,
        seed: request.seed,
        max_tokens: request.maxTokens,
      });
      const choice = response.choices?.[0];
      const refusal = (choice?.message as { refusal?: string | null } | undefined)?.refusal;
      if (refusal)
        throw new EndpointRefusedError(`the endpoint refused: ${redactKey(refusal, endpoint.apiKey)}`);
      if (choice?.finish_reason === 'content_filter')
        throw new EndpointRefusedError('the endpoint refused: its content filter stopped the answer');
      const text = (choice?.message?.content ?? '').trim();
      if (!text) throw new EndpointRefusedError('the endpoint answered with no text');
      return {
        text,
        model: response.model ?? endpoint.model,
        promptTokens: response.usage?.prompt_tokens ?? 0,
        completionTokens: response.usage?.completion_tokens ?? 0,
        retries,
      };
    } catch (error) {
      if (error instanceof EndpointRefusedError) throw error;
      const reason = reasonOf(error, endpoint.apiKey);
      if (!retryable(error)) throw new EndpointRefusedError(`the endpoint refused the request (${reason})`);
      if (retries >= policy.attempts)
        throw new Error(`the endpoint kept failing after ${retries} retries (${reason})`);
      const header = error instanceof APIError ? error.headers?.get?.('retry-after') : null;
      const after = header && Number.isFinite(Number(header)) ? Number(header) * 1000 : null;
      const wait =
        after !== null && after < 60_000
          ? Math.max(after, policy.backoffMs)
          : policy.backoffMs * 2 ** retries;
      retries++;
      await policy.onRetry?.(`retry ${retries} in ${wait} ms after ${reason}`, wait);
      await policy.check?.();
      await sleep(wait);
      await policy.check?.();
    }
  }
}

/** What "test connection" shows: the model that answered and what it said, or why it failed. */
export async function testEndpoint(
  endpoint: TEndpoint,
): Promise<{ ok: true; model: string; reply: string; ms: number } | { ok: false; error: string }> {
  const started = Date.now();
  try {
    const result = await chat(
      createChatClient(endpoint, 20_000),
      endpoint,
      {
        messages: [{ role: 'user', content: 'Reply with the word: ready' }],
        temperature: 0,
        seed: 1,
        maxTokens: 10,
      },
      { attempts: 0, backoffMs: 0 },
    );
    return { ok: true, model: result.model, reply: result.text.slice(0, 200), ms: Date.now() - started };
  } catch (error) {
    return { ok: false, error: redactKey((error as Error).message, endpoint.apiKey) };
  }
}
