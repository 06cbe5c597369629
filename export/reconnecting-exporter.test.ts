import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { ReconnectingExporter } from './reconnecting-exporter.ts';

type Callback = Parameters<SpanExporter['export']>[1];

/** An exporter whose calls the test answers by hand. */
class ManualExporter implements SpanExporter {
  readonly calls: Callback[] = [];
  shutDown = false;
  export(_spans: ReadableSpan[], cb: Callback): void {
    this.calls.push(cb);
  }
  shutdown(): Promise<void> {
    this.shutDown = true;
    return Promise.resolve();
  }
}

const failure = (code: number) => ({ code: 1, error: Object.assign(new Error(`${code} failed`), { code }) });
const OK = { code: 0 };

function setup() {
  const made: ManualExporter[] = [];
  const exporter = new ReconnectingExporter(() => {
    const e = new ManualExporter();
    made.push(e);
    return e;
  });
  const results: number[] = [];
  const send = () => exporter.export([], (r) => results.push(r.code));
  return { made, exporter, results, send };
}

describe('ReconnectingExporter', () => {
  it('opens a fresh channel after UNAVAILABLE, so the next attempt does not wait for grpc-js to reconnect', () => {
    const { made, exporter, results, send } = setup();
    send();
    made[0]!.calls[0]!(failure(14));
    expect(results).toEqual([1]);
    expect(made).toHaveLength(2);
    expect(made[0]!.shutDown).toBe(true);
    send();
    expect(made[1]!.calls).toHaveLength(1);
    made[1]!.calls[0]!(OK);
    expect(results).toEqual([1, 0]);
    expect(exporter.reconnects).toBe(1);
  });

  it.each([
    ['success', OK],
    ['DEADLINE_EXCEEDED (the transport handles it)', failure(4)],
    ['INVALID_ARGUMENT', failure(3)],
    ['an error without a code', { code: 1, error: new Error('x') }],
  ])('keeps the channel after %s', (_label, result) => {
    const { made, send } = setup();
    send();
    made[0]!.calls[0]!(result);
    expect(made).toHaveLength(1);
    expect(made[0]!.shutDown).toBe(false);
  });

  it('shuts the old channel down only once its other calls have answered, and replaces it once', () => {
    const { made, results, send } = setup();
    send();
    send();
    made[0]!.calls[0]!(failure(14));
    expect(made).toHaveLength(2);
    expect(made[0]!.shutDown).toBe(false);
    made[0]!.calls[1]!(failure(14));
    expect(made).toHaveLength(2); // the second failure came from the replaced channel
    expect(made[0]!.shutDown).toBe(true);
    expect(results).toEqual([1, 1]);
  });

  it('shuts every channel down', async () => {
    const { made, exporter, send } = setup();
    send();
    send();
    made[0]!.calls[0]!(failure(14));
    await exporter.shutdown();
    expect(made.map((e) => e.shutDown)).toEqual([true, true]);
  });
});
