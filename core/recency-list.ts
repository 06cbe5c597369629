/** The links a record carries to be in a `RecencyList`: the records seen just before and just after it. */
export interface RecencyLinks<T> {
  older?: T | undefined;
  newer?: T | undefined;
}

/**
 * Records in last-seen order, oldest first, as a list through the records themselves: moving one to the newest
 * end is two links, not a delete and a set in a map of every record, and expiry reads only the stale front.
 * A record is in at most one list (it has one pair of links).
 */
export class RecencyList<T extends RecencyLinks<T>> {
  oldest: T | undefined = undefined;
  newest: T | undefined = undefined;

  /** Adds a record (not in the list) at the newest end. */
  append(r: T): void {
    r.older = this.newest;
    r.newer = undefined;
    if (this.newest === undefined) this.oldest = r;
    else this.newest.newer = r;
    this.newest = r;
  }

  /** Takes a record out of the list; one that is not in it is left alone. */
  unlink(r: T): void {
    const older = r.older;
    const newer = r.newer;
    if (older === undefined && newer === undefined && this.oldest !== r) return;
    if (older === undefined) this.oldest = newer;
    else older.newer = newer;
    if (newer === undefined) this.newest = older;
    else newer.older = older;
    r.older = undefined;
    r.newer = undefined;
  }

  /** Moves a record of the list to the newest end (just seen). */
  bump(r: T): void {
    if (this.newest === r) return;
    this.unlink(r);
    this.append(r);
  }
}
