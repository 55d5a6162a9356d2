// A small OpenAI-compatible chat-completions server for tests (the stand-in for Ollama, vLLM or a
// hosted API): real HTTP on a free port, scripted answers, every request recorded.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TStubRequest {
  path: string;
  authorization: string | undefined;
  body: {
    model?: string;
    messages?: { role: string; content: string }[];
    temperature?: number;
    seed?: number;
  };
}

/** What the next request gets: a text, an HTTP error, or a refusal; `delayMs` before answering. */
export type TStubReply =
  | { text: string; delayMs?: number }
  | { status: number; message: string; delayMs?: number }
  | { refusal: string; delayMs?: number };

export interface TOpenAiStub {
  /** http://127.0.0.1:<port>/v1 */
  baseUrl: string;
  port: number;
  requests: TStubRequest[];
  /** Replies used in order before the default one. */
  queue: TStubReply[];
  /** Reply when the queue is empty (default: a text naming the request's number and user prompt). */
  fallback: (request: TStubRequest, n: number) => TStubReply;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startOpenAiStub(host = '127.0.0.1'): Promise<TOpenAiStub> {
  const stub: TOpenAiStub = {
    baseUrl: '',
    port: 0,
    requests: [],
    queue: [],
    fallback: (_request, n) => ({
      text: `Generated answer number ${n} about sleeping badly at night, every night.`,
    }),
    close: async () => undefined,
  };
  const server: Server = createServer(async (req, res) => {
    const raw = await readBody(req);
    let body: TStubRequest['body'] = {};
    try {
      body = raw ? JSON.parse(raw) : {};
    } catch {
      body = {};
    }
    const request: TStubRequest = { path: req.url ?? '', authorization: req.headers.authorization, body };
    stub.requests.push(request);
    const n = stub.requests.length;
    const reply = stub.queue.shift() ?? stub.fallback(request, n);
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    res.setHeader('content-type', 'application/json');
    if ('status' in reply) {
      res.statusCode = reply.status;
      res.end(JSON.stringify({ error: { message: reply.message, type: 'stub_error' } }));
      return;
    }
    const message =
      'refusal' in reply
        ? { role: 'assistant', content: null, refusal: reply.refusal }
        : { role: 'assistant', content: reply.text };
    res.end(
      JSON.stringify({
        id: `chatcmpl-${n}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.model ?? 'stub',
        choices: [{ index: 0, message, finish_reason: 'stop' }],
        usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  stub.port = port;
  stub.baseUrl = `http://${host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host}:${port}/v1`;
  stub.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return stub;
}
