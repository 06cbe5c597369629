/** Test helpers for tests outside core/: record builders and seeded re-delivery. */
export { prng, redeliver } from './jitter.ts';
export { ev, obj, t, tick } from './records.ts';
