/** Codes of the problems the core counts instead of throwing. */
export const DIAGNOSTIC_CODES = {
  'malformed-record': 'a record that is not an event, object or tick, or lacks its payload',
  'bad-receive-time': 'a record whose `at` is missing or not RFC 3339; the latest receive time was used',
  'not-an-event':
    'an event record whose payload is not an Event (a kind other than Event, or none of the Event fields); dropped',
  'incomplete-subject':
    'an Event whose involvedObject/regarding lacks a kind or a name; kept: identified by what it names, else the root of its own trace',
  'no-timestamp': 'an event with no usable eventTime/lastTimestamp/firstTimestamp; its receive time was used',
  'malformed-timestamp': 'an event timestamp that is not RFC 3339; the next one in precedence was used',
  'no-event-uid':
    'an event without metadata.uid; an ID was derived from its namespace, name and time (nameless: from what it says and names)',
  duplicate: 'the same occurrence of an event delivered again (e.g. after a watch re-list); dropped',
  'late-event': 'an event that arrived after the window had closed over its time; processed out of order',
  'missing-object': 'an event whose object was never described; its trace was rooted at the object itself',
  'missing-owner': 'an owner reference to an object never described; the chain stopped there',
  'bad-annotation': 'a kspan.io/topLevelSpan annotation that is not a W3C traceparent; ignored',
  'malformed-object': 'an object record without kind, name or uid; ignored',
  'clamped-start': 'a child span whose timestamp preceded its parent; its start was clamped',
  'late-top-level-event':
    'a topLevelSpan Event whose change was exported already (or headed by another); it joined the trace as a child',
  'span-capacity':
    'a trace emitted and forgotten before its time because the engine held its maximum of spans (a flood of unrelated events)',
  'implausible-event-time':
    'an event time far from when it was received (a clock or data error); the receive time was used instead',
} as const;

/** One of the diagnostic codes. */
export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

/** Counts of diagnostics by code, plus the most recent few with detail. */
export class Diagnostics {
  readonly counts: Record<string, number> = {};
  readonly recent: { code: DiagnosticCode; detail: string }[] = [];
  private readonly keep: number;

  constructor(keep = 20) {
    this.keep = keep;
  }

  /** Records one occurrence of `code`. */
  add(code: DiagnosticCode, detail: string): void {
    this.counts[code] = (this.counts[code] ?? 0) + 1;
    if (this.recent.length >= this.keep) this.recent.shift();
    this.recent.push({ code, detail });
  }

  /** Total number of diagnostics recorded. */
  get total(): number {
    let n = 0;
    for (const v of Object.values(this.counts)) n += v;
    return n;
  }
}
