/**
 * Base class of errors caused by what the user gave (a config, a file, a model, parameters): running
 * the same job again fails the same way, so the worker runtime fails such a job at once instead of
 * retrying it. Domain errors (MergeConfigError, MergeRefusedError, DatasetError, ...) extend it; the
 * runtime chooses by class, never by message text.
 */
export class InputError extends Error {
  override name = 'InputError';
}
