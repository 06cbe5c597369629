import type { Clock } from '../clock.ts';

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
}

/** A clock that moves only when told to (tests). Timers fire in time order while advancing. */
export class VirtualClock implements Clock {
  private current: number;
  private seq = 0;
  private timers: Timer[] = [];

  constructor(startMs = Date.UTC(2024, 4, 5, 16, 22, 0)) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  schedule(ms: number, fn: () => void): () => void {
    const timer: Timer = { at: this.current + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Number of timers waiting to fire. */
  get pendingTimers(): number {
    return this.timers.length;
  }

  /**
   * Moves time forward by `ms`, firing due timers in order; between timers it yields to the event loop
   * (`stepMs` at a time) so real I/O started by a timer (an HTTP request to msw) can make progress.
   */
  async advance(ms: number, stepMs = 100): Promise<void> {
    const end = this.current + ms;
    while (this.current < end) {
      const stepEnd = Math.min(end, this.current + stepMs);
      for (;;) {
        const due = this.timers.filter((t) => t.at <= stepEnd).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
        if (due === undefined) break;
        this.timers = this.timers.filter((t) => t !== due);
        this.current = Math.max(this.current, due.at);
        due.fn();
        await settle();
      }
      this.current = stepEnd;
      await settle();
    }
  }
}

/** Lets pending microtasks, immediate I/O callbacks and zero-delay real timers (InMemorySpanExporter answers in one) run. */
export async function settle(rounds = 3): Promise<void> {
  await new Promise<void>((r) => setTimeout(r, 0));
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}
