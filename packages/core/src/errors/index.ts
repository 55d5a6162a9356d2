/**
 * Base class of errors caused by what the user gave (a config, a file, a model, parameters): running
 * the same job again fails the same way, so the worker runtime fails such a job at once instead of
 * retrying it. Domain errors (MergeConfigError, MergeRefusedError, DatasetError, ...) extend it; the
 * runtime chooses by class, never by message text.
 */
export class InputError extends Error {
  override name = 'InputError';
}

// An absolute path: "/" (or a drive letter) after a start, space, quote, bracket or "=", not part of a URL.
const ABSOLUTE_PATH =
  /(^|[\s'"`(=[,:])((?:[A-Za-z]:)?[/\\](?:[^\s'"`()[\],;:/\\]+[/\\])+[^\s'"`()[\],;:/\\]*)/g;

/**
 * A message fit to show or store where users read it (Run.error, a response body): the artifact
 * store's folder is named "the artifact store", and any other absolute server path is cut to its
 * last part, so no message tells a visitor how the server's disk is laid out.
 */
export function withoutServerPaths(message: string, storeRoot?: string): string {
  let text = message;
  if (storeRoot && storeRoot.length > 1) {
    const root = storeRoot.replace(/[/\\]+$/, '');
    text = text.replaceAll(`${root}/`, '').replaceAll(root, 'the artifact store');
  }
  return text.replace(ABSOLUTE_PATH, (_m, lead: string, p: string) => {
    const parts = p.split(/[/\\]/).filter(Boolean);
    return `${lead}${parts[parts.length - 1] ?? ''}`;
  });
}
