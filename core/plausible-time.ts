import type { NormalizedEvent } from './normalized-event.ts';

/** How far an event's time may lie from its receive time before it is not believed. */
export interface TimeLimits {
  /** Ahead of the receive time (clock skew between nodes). */
  readonly aheadUs: number;
  /** Behind it: an Event listed at start-up can be as old as the Event TTL, plus slack. */
  readonly behindUs: number;
}

/**
 * An event whose time is far from when it was received (dated 9999 or 1970 by a broken clock or a bad
 * write) would otherwise sort after (or before) everything and drag the engine's clock with it: such an
 * event takes its receive time instead, so it is placed where it arrived and moves nobody else's clock.
 * Returns the event unchanged when its time is plausible.
 */
export function withPlausibleTime(event: NormalizedEvent, receivedUs: number, limits: TimeLimits): NormalizedEvent {
  const t = event.timeUs;
  if (t <= receivedUs + limits.aheadUs && t >= receivedUs - limits.behindUs) return event;
  return { ...event, timeUs: receivedUs, firstUs: receivedUs, precise: false };
}
