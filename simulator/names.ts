import type { Rng } from './prng.ts';

// Kubernetes' SafeEncodeString alphabet (no vowels, no confusable digits), used for
// pod-template-hash and generated name suffixes: k8s.io/apimachinery/pkg/util/rand.
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** A random suffix of `length` characters, as `generateName` produces. */
export function nameSuffix(rng: Rng, length = 5): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[rng.int(0, ALPHABET.length - 1)];
  return out;
}

/** A pod-template-hash label value (10 characters). */
export function templateHash(rng: Rng): string {
  return nameSuffix(rng, 10);
}

/** A version-4 UUID drawn from the generator, as metadata.uid looks. */
export function uuid(rng: Rng): string {
  const hex = (n: number): string => {
    let s = '';
    for (let i = 0; i < n; i++) s += rng.int(0, 15).toString(16);
    return s;
  };
  const variant = '89ab'[rng.int(0, 3)];
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${variant}${hex(3)}-${hex(12)}`;
}
