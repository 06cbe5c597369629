/** Wall-clock time and timers, injected so tests can run on virtual time. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Calls `fn` once after `ms` milliseconds; returns a function that cancels it. */
  schedule(ms: number, fn: () => void): () => void;
}

/** The real clock: `Date.now()` and unref'd `setTimeout` (the servers and watches keep the process alive). */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }

  schedule(ms: number, fn: () => void): () => void {
    const timer = setTimeout(fn, Math.max(0, ms));
    timer.unref();
    return () => clearTimeout(timer);
  }
}

/** Resolves after `ms` on `clock`, or early (without rejecting) when `signal` aborts. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = (): void => {
      cancel();
      resolve();
    };
    const cancel = clock.schedule(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
