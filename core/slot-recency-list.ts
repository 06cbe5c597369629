import type { SlotColumns } from './slot-columns.ts';

/** Where the slots of a SlotRecencyList keep their links: the slots seen just before and just after each (-1: none). */
export interface SlotLinks {
  olderOf(slot: number): number;
  newerOf(slot: number): number;
  setOlder(slot: number, older: number): void;
  setNewer(slot: number, newer: number): void;
}

/** No slot: an end of the list. */
export const NO_SLOT = -1;

/**
 * Slots in last-seen order, oldest first, as a list through their own link columns: RecencyList's order for records
 * that are slot numbers (an EventIndex's Events, the TraceAssembler's forgotten roots), not objects.
 */
export class SlotRecencyList {
  private readonly links: SlotLinks;
  /** The oldest and newest slots (NO_SLOT: the list is empty). */
  oldest = NO_SLOT;
  newest = NO_SLOT;

  constructor(links: SlotLinks) {
    this.links = links;
  }

  /** Adds a slot (not in the list) at the newest end. */
  append(s: number): void {
    const l = this.links;
    l.setOlder(s, this.newest);
    l.setNewer(s, NO_SLOT);
    if (this.newest === NO_SLOT) this.oldest = s;
    else l.setNewer(this.newest, s);
    this.newest = s;
  }

  /** Takes a slot out of the list; one that is not in it is left alone. */
  unlink(s: number): void {
    const l = this.links;
    const older = l.olderOf(s);
    const newer = l.newerOf(s);
    if (older === NO_SLOT && newer === NO_SLOT && this.oldest !== s) return;
    if (older === NO_SLOT) this.oldest = newer;
    else l.setNewer(older, newer);
    if (newer === NO_SLOT) this.newest = older;
    else l.setOlder(newer, older);
    l.setOlder(s, NO_SLOT);
    l.setNewer(s, NO_SLOT);
  }

  /** Moves a slot of the list to the newest end (just seen). */
  bump(s: number): void {
    if (this.newest === s) return;
    this.unlink(s);
    this.append(s);
  }
}

/** The links of SlotColumns' slots, in two of their columns. */
export function columnLinks(columns: SlotColumns, older: number, newer: number): SlotLinks {
  return {
    olderOf: (s) => columns.get(s, older),
    newerOf: (s) => columns.get(s, newer),
    setOlder: (s, v) => columns.set(s, older, v),
    setNewer: (s, v) => columns.set(s, newer, v),
  };
}
