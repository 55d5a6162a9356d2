// Preloaded (`node --import`) into Prisma CLI processes: the wasm schema engine leaves a ~10 s timer
// that keeps `prisma migrate` alive long after its work is done. Unref'ing long timers lets the
// process exit as soon as it is finished (12-60 s -> 2-4 s).
const originalSetTimeout = globalThis.setTimeout;
const LONG_MS = 2000;

globalThis.setTimeout = ((handler: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
  const timer = originalSetTimeout(handler, ms, ...args);
  if (typeof ms === 'number' && ms >= LONG_MS && typeof timer?.unref === 'function') timer.unref();
  return timer;
}) as typeof setTimeout;
