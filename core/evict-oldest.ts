/**
 * Keeps a Map (in last-seen order) within `capacity`: beyond it, the oldest entries go, an eighth of the capacity
 * more than needed, in one pass. One at a time would cost a scan per call: a Map's iterator walks over the holes
 * its deleted front entries leave until it is rehashed, so `keys().next()` on a full map is linear.
 */
export function evictOldest<K, V>(map: Map<K, V>, capacity: number): void {
  if (map.size <= capacity) return;
  let n = map.size - capacity + (capacity >> 3);
  for (const key of map.keys()) {
    if (n-- <= 0) break;
    map.delete(key);
  }
}
