// Route parameters arrive percent-encoded; a malformed or NUL-bearing one used to reach Prisma and
// come back as a 500 echoing its error. The proxy refuses them first with a 400 naming the problem.

/** The problem with a request's raw path and query (still percent-encoded), or undefined. */
export function requestPathProblem(rawPath: string, rawQuery = ''): string | undefined {
  for (const [part, text] of [
    ['path', rawPath],
    ['query', rawQuery.replace(/\+/g, ' ')],
  ] as const) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(text);
    } catch {
      return `the ${part} holds an invalid percent-encoding (a % not followed by two hex digits, or bytes that are not UTF-8)`;
    }
    if (decoded.includes('\u0000')) return `the ${part} holds a NUL character (%00)`;
  }
  for (const segment of rawPath.split('/')) {
    if (Buffer.byteLength(segment) > 1024) return 'a path segment is longer than 1024 bytes';
  }
  return undefined;
}
