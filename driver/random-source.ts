/** A source of uniform random numbers in [0, 1): injected so jitter is deterministic in tests. */
export type RandomSource = () => number;

/** The default random source. */
export const mathRandom: RandomSource = () => Math.random();
