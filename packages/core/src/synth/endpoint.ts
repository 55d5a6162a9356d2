// Connections to OpenAI-compatible endpoints: the form's schema, whether a base URL stays on this
// machine (the privacy switch), and removing a key from any text that could leave the server.
import { isIP } from 'node:net';
import { z } from 'zod';

export const ZConnectionInput = z
  .object({
    name: z.string().trim().min(1, 'name is empty').max(200),
    baseUrl: z
      .string()
      .trim()
      .url('base URL must be a URL such as http://127.0.0.1:11434/v1')
      .refine((u) => /^https?:\/\//i.test(u), 'base URL must start with http:// or https://'),
    model: z.string().trim().min(1, 'model is empty').max(200),
    /** Empty or absent = no key (local servers); on update, absent keeps the stored key. */
    apiKey: z.string().max(1_000).optional(),
    allowRealRows: z.boolean().default(false),
  })
  .strict();
export type TConnectionInput = z.infer<typeof ZConnectionInput>;

/** True when the URL's host is this machine (localhost, 127.0.0.0/8, ::1). */
export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase().replace(/^\[|\]$/g, '');
  } catch {
    return false;
  }
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}

/** The host:port a URL names (what the run page says rows went to). */
export function endpointHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(invalid URL)';
  }
}

/** Replaces every occurrence of the key (and its bearer form) in a message. */
export function redactKey(message: string, key: string | null | undefined): string {
  if (!key || key.length < 4) return message;
  return message.split(key).join('[api key]');
}
