/**
 * Up to this many bytes, a typed array comes from malloc's heap; a larger one is mapped pages of its own (glibc's
 * mmap threshold starts at 128 KiB). Freeing such a mapped block raises glibc's threshold to its size (up to 32 MiB),
 * and from then on blocks below that size come from the heap, which keeps what is freed in it: a column grown twofold
 * from 64 slots to 262,144 freed mapped blocks of up to 8 MiB, and the 300k flood's replay ended with 13–38 MiB of
 * malloc heap instead of 4 (what `MALLOC_MMAP_THRESHOLD_=131072` gives). 64 KiB keeps a margin below 128 KiB.
 */
export const HEAP_BLOCK_BYTES = 64 * 1024;

/**
 * The next length of a column (a typed array of `itemBytes`-byte items, now `length` long) that needs room for more:
 * twice as long while that stays a heap block, then `fullLength` in one step (what its owner's capacity needs; its
 * pages cost memory only once written), so that no mapped block is freed by growth short of that capacity; twice as
 * long again beyond it.
 */
export function grownLength(length: number, itemBytes: number, fullLength: number): number {
  const doubled = length * 2;
  return doubled * itemBytes > HEAP_BLOCK_BYTES && fullLength > doubled ? fullLength : doubled;
}

/** The smallest power of two ≥ n (at least 1). */
export function powerOfTwoAtLeast(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
