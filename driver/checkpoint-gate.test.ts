import { describe, expect, it } from 'vitest';
import { CheckpointGate } from './checkpoint-gate.ts';
import { VirtualClock } from './test-support/virtual-clock.ts';

interface Case {
  readonly leads: boolean;
  /** ms since the last successful checkpoint write */
  readonly sinceWrite: number;
  readonly unrecorded: number;
  readonly inFlight: number;
  readonly spans: number;
  readonly open: boolean;
}

const cases: [string, Case][] = [
  [
    'just written, nothing outstanding',
    { leads: true, sinceWrite: 0, unrecorded: 0, inFlight: 0, spans: 512, open: true },
  ],
  ['written 500 ms ago', { leads: true, sinceWrite: 500, unrecorded: 0, inFlight: 0, spans: 512, open: true }],
  [
    'written 501 ms ago: probe the API first',
    { leads: true, sinceWrite: 501, unrecorded: 0, inFlight: 0, spans: 512, open: false },
  ],
  [
    'not leading (or the lease is stale)',
    { leads: false, sinceWrite: 0, unrecorded: 0, inFlight: 0, spans: 1, open: false },
  ],
  ['within the budget', { leads: true, sinceWrite: 0, unrecorded: 6144, inFlight: 1536, spans: 512, open: true }],
  [
    'beyond the budget: record first',
    { leads: true, sinceWrite: 0, unrecorded: 6144, inFlight: 1536, spans: 513, open: false },
  ],
  [
    'a batch larger than the budget goes alone',
    { leads: true, sinceWrite: 0, unrecorded: 0, inFlight: 0, spans: 9000, open: true },
  ],
];

describe('CheckpointGate', () => {
  it.each(cases)('%s', (_label, c) => {
    const clock = new VirtualClock();
    let asked = 0;
    const gate = new CheckpointGate({
      clock,
      writer: { mayExport: c.leads, lastRenewedMs: clock.now() - c.sinceWrite, renewSoon: () => asked++ },
      unrecorded: () => c.unrecorded,
    });
    expect(gate.mayExport(c.spans, c.inFlight)).toBe(c.open);
    // A leader that may not send asks for a checkpoint write (which opens the gate again); a follower waits.
    expect(asked).toBe(!c.open && c.leads ? 1 : 0);
  });

  it.each([
    [true, true],
    [false, false],
  ])('at shutdown only the lease matters (leading and fresh: %s)', (leads, open) => {
    let asked = 0;
    const clock = new VirtualClock();
    const gate = new CheckpointGate({
      clock,
      writer: { mayExport: leads, lastRenewedMs: clock.now() - 5000, renewSoon: () => asked++ },
      unrecorded: () => 100_000,
    });
    expect(gate.mayExport(512, 2048)).toBe(false);
    gate.relax();
    asked = 0;
    expect(gate.mayExport(512, 2048)).toBe(open);
    gate.exported(); // no early writes: renewals and the release store the checkpoint
    expect(asked).toBe(0);
  });

  it('asks for a write after each committed batch', () => {
    let asked = 0;
    const gate = new CheckpointGate({
      clock: new VirtualClock(),
      writer: { mayExport: true, lastRenewedMs: 0, renewSoon: () => asked++ },
      unrecorded: () => 0,
    });
    gate.exported();
    expect(asked).toBe(1);
  });
});
