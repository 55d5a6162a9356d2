// How large a request body may be. Every request passes through proxy.ts, and Next.js hands the
// proxy a copy of the body, buffering only `proxyClientMaxBodySize` of it (10 MB by default) and
// cutting the rest off for the route too: an upload over 10 MB arrived truncated and was refused as
// "Unexpected end of form". next.config.ts sets that size from here (the largest file
// TUNELAB_MAX_UPLOAD_MB allows, plus room for the multipart framing and a model folder's small
// files), and the proxy refuses a body declared larger with a 413 naming the limit.
import { readEnv } from '@tunelab/db/env';

/** Room beyond one file at the limit: multipart framing, form fields, config.json and vocab.txt. */
const SLACK_BYTES = 4 * 1024 * 1024;

export function maxRequestBytes(env: NodeJS.ProcessEnv = process.env): number {
  return Math.ceil(readEnv(env).TUNELAB_MAX_UPLOAD_MB * 1024 * 1024) + SLACK_BYTES;
}

/** The 413 message for a request body declared larger than maxRequestBytes, else undefined. */
export function requestTooLarge(
  contentLength: string | null,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const declared = Number(contentLength);
  if (!contentLength || !Number.isFinite(declared) || declared <= maxRequestBytes(env)) return undefined;
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `The request body (${mb(declared)}) is larger than the ${readEnv(env).TUNELAB_MAX_UPLOAD_MB} MB upload limit (TUNELAB_MAX_UPLOAD_MB) allows`;
}
