import { createHash } from 'node:crypto';

/** Deterministic OpenTelemetry IDs: hashes of stable Kubernetes identities, never random. */
function hex(parts: readonly (string | number)[], length: number): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(String(p)).update('\u0000');
  let out = h.digest('hex').slice(0, length);
  // An all-zero ID is invalid in OpenTelemetry; astronomically unlikely, but keep it impossible.
  if (/^0+$/.test(out)) out = `${out.slice(0, -1)}1`;
  return out;
}

/** A 32-hex-digit trace ID from its parts. */
export function traceIdOf(...parts: readonly (string | number)[]): string {
  return hex(['trace', ...parts], 32);
}

/** A 16-hex-digit span ID from its parts. */
export function spanIdOf(...parts: readonly (string | number)[]): string {
  return hex(['span', ...parts], 16);
}
