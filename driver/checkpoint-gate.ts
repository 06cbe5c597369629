import type { Clock } from './clock.ts';

/** The leader's side of the Lease, as the gate sees it (`LeaderElector`). */
export interface CheckpointWriter {
  /** True while this replica leads and its lease is fresh. */
  readonly mayExport: boolean;
  /** Clock time of the last successful renewal, which stored the checkpoint. */
  readonly lastRenewedMs: number;
  /** Asks for an early renewal (rate-limited by the writer). */
  renewSoon(): void;
}

/** Options of `CheckpointGate`. */
export interface CheckpointGateOptions {
  readonly clock: Clock;
  readonly writer: CheckpointWriter;
  /** Spans exported since the checkpoint was last stored (`ExportLedger.unrecorded`). */
  readonly unrecorded: () => number;
  /** A batch is sent only this soon after a successful checkpoint write. Default 500 ms. */
  readonly freshMs?: number;
  /** Exported-but-unrecorded plus in-flight spans at most. Default 8192. */
  readonly budget?: number;
}

/**
 * Keeps what a leader has exported but not yet recorded in its checkpoint small, so that a failover sends (almost)
 * nothing twice. A leader sends a batch only right after a checkpoint write succeeded (so the API is reachable
 * now) and while exported-but-unrecorded plus in-flight spans stay within a budget; each committed batch asks for
 * the next write at once. A leader cut off from the API therefore stops within one write, not after its renew
 * deadline: only the spans in flight at the cut can be sent again by the next leader. A write is one Lease
 * update (rate-limited by the elector), so a steady trickle costs about two updates per batch and a burst one per
 * 200 ms.
 */
export class CheckpointGate {
  private readonly options: CheckpointGateOptions;
  private readonly freshMs: number;
  private readonly budget: number;
  private relaxed = false;

  constructor(options: CheckpointGateOptions) {
    this.options = options;
    this.freshMs = options.freshMs ?? 500;
    this.budget = options.budget ?? 8192;
  }

  /** May `spans` more be sent, with `inFlight` already sent and unanswered? If not, asks for a write. */
  mayExport(spans = 0, inFlight = 0): boolean {
    const { writer, clock } = this.options;
    if (!writer.mayExport) return false;
    if (this.relaxed) return true;
    const fresh = clock.now() - writer.lastRenewedMs <= this.freshMs;
    // Within the budget; a batch larger than the budget goes alone.
    const unconfirmed = this.options.unrecorded() + inFlight;
    const room = unconfirmed === 0 || unconfirmed + spans <= this.budget;
    if (fresh && room) return true;
    writer.renewSoon();
    return false;
  }

  /**
   * Shutdown: only the lease matters from now on. The grace period is short and a checkpoint write per budget
   * would slow the flush to the API's pace; the release stores the last checkpoint (and a leader that cannot
   * renew still stops sending).
   */
  relax(): void {
    this.relaxed = true;
  }

  /** A batch was committed: record it in the checkpoint soon. */
  exported(): void {
    if (!this.relaxed) this.options.writer.renewSoon();
  }
}
