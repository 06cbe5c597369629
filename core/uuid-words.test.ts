import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyOfUuidWords, sameUuidWords, UUID_WORDS, uuidWordsOf } from './uuid-words.ts';

const UID = '00079f2b-0d00-4d00-8000-00000063152f';

describe('uuidWordsOf', () => {
  it.each([
    UID,
    `${UID}:0`,
    `${UID}:7`,
    `${UID}:4294967294`,
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
    '00000000-0000-0000-0000-000000000000:10',
  ])('holds %s as words and gives the same text back', (key) => {
    const words = new Uint32Array(UUID_WORDS + 3);
    expect(uuidWordsOf(key, words, 3)).toBe(true);
    expect(keyOfUuidWords(words, 3)).toBe(key);
  });

  it.each([
    ['upper-case hex', UID.toUpperCase()],
    ['a dash missing', UID.replace('-', 'x')],
    ['a digit that is not hex', `g${UID.slice(1)}`],
    ['a digit not hex in the second half of a word', `${UID.slice(0, 17)}x${UID.slice(18)}`],
    ['too short', UID.slice(1)],
    ['too long', `${UID}0`],
    ['an empty suffix', `${UID}:`],
    ['a suffix with a leading zero', `${UID}:01`],
    ['a negative suffix', `${UID}:-1`],
    ['a suffix beyond 32 bits', `${UID}:4294967295`],
    ['not a number after the colon', `${UID}:NaN`],
    ['another separator', `${UID}/1`],
    ['an object key', 'Pod/flood-46/app-00079f2b-x5bbd5-and-a-bit-more'],
  ])('keeps a key with %s as text', (_, key) => {
    expect(uuidWordsOf(key, new Uint32Array(UUID_WORDS), 0)).toBe(false);
  });

  it('gives any UUID key back as it was, and tells two apart exactly when their texts differ', () => {
    const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));
    const key = fc
      .tuple(hex(8), hex(4), hex(4), hex(4), hex(12), fc.option(fc.nat({ max: 4294967294 })))
      .map(([a, b, c, d, e, n]) => `${a}-${b}-${c}-${d}-${e}${n === null ? '' : `:${n}`}`);
    fc.assert(
      fc.property(key, key, (x, y) => {
        const words = new Uint32Array(2 * UUID_WORDS);
        expect(uuidWordsOf(x, words, 0) && uuidWordsOf(y, words, UUID_WORDS)).toBe(true);
        expect([keyOfUuidWords(words, 0), keyOfUuidWords(words, UUID_WORDS)]).toEqual([x, y]);
        expect(sameUuidWords(words, 0, words, UUID_WORDS)).toBe(x === y);
      }),
      { numRuns: 500 },
    );
  });
});
