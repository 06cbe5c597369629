import { mathRandom, type RandomSource } from './random-source.ts';

/** Options of an exponential backoff. */
export interface BackoffOptions {
  readonly initialMs?: number;
  readonly maxMs?: number;
  readonly factor?: number;
  /** Fraction of each delay that is randomized: 0.2 gives delays in [0.8 d, 1.2 d]. */
  readonly jitter?: number;
  readonly random?: RandomSource;
}

/** Exponential backoff, capped, with jitter from an injected random source. */
export class Backoff {
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly factor: number;
  private readonly jitter: number;
  private readonly random: RandomSource;
  private attempt = 0;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 500;
    this.maxMs = options.maxMs ?? 5000;
    this.factor = options.factor ?? 2;
    this.jitter = options.jitter ?? 0.2;
    this.random = options.random ?? mathRandom;
  }

  /** The delay before the next attempt; each call grows it until the cap. */
  next(): number {
    const base = Math.min(this.maxMs, this.initialMs * this.factor ** this.attempt);
    this.attempt++;
    const spread = base * this.jitter * (2 * this.random() - 1);
    return Math.max(0, Math.min(this.maxMs, Math.round(base + spread)));
  }

  /** Number of delays handed out since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  /** Starts over from the initial delay (after a success). */
  reset(): void {
    this.attempt = 0;
  }
}
