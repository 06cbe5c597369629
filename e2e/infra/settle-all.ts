/**
 * Waits for every promise, like Promise.allSettled, so nothing is left starting in the background;
 * then rejects if any failed, with every failure's message (a single failure is rethrown as is).
 */
export async function settleAll<T extends readonly unknown[]>(promises: {
  readonly [K in keyof T]: Promise<T[K]>;
}): Promise<T> {
  const results = await Promise.allSettled(promises);
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) {
    const messages = failures.map((f) => (f instanceof Error ? f.message : String(f)));
    throw new AggregateError(failures, messages.join('\n--- and ---\n'));
  }
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
