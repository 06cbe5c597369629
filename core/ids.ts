/**
 * Deterministic OpenTelemetry IDs: hashes of stable Kubernetes identities, never random.
 * MurmurHash3's 32-bit mixing over the UTF-16 code units, run with independent seeds per 32-bit word:
 * fast enough for the hot path (a crypto hash was a fifth of replay time) and well spread for IDs.
 */
function murmur32(text: string, seed: number): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    let k = text.charCodeAt(i);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= text.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const SEEDS = [0x9e3779b1, 0x85ebca77, 0xc2b2ae3d, 0x27d4eb2f] as const;

function hex(parts: readonly (string | number)[], words: number): string {
  const text = parts.join('\u0000');
  let out = '';
  for (let w = 0; w < words; w++) out += murmur32(text, SEEDS[w] as number).toString(16).padStart(8, '0');
  // An all-zero ID is invalid in OpenTelemetry; astronomically unlikely, but keep it impossible.
  return /^0+$/.test(out) ? `${out.slice(0, -1)}1` : out;
}

/** A 32-hex-digit trace ID from its parts. */
export function traceIdOf(...parts: readonly (string | number)[]): string {
  return hex(['trace', ...parts], 4);
}

/** A 16-hex-digit span ID from its parts. */
export function spanIdOf(...parts: readonly (string | number)[]): string {
  return hex(['span', ...parts], 2);
}
