import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCaptureHeader, type CaptureHeader } from './capture-header.ts';

/** The fields the capture reader reads, as JSON.parse gives them. */
function fields(h: CaptureHeader | undefined): unknown[] | undefined {
  return h === undefined ? undefined : [h.time, h.style, h.kind, h.deleted];
}

const read = (line: string): CaptureHeader | undefined => parseCaptureHeader(line, 0, line.length);

describe('parseCaptureHeader', () => {
  it.each([
    [
      'the header kspan writes',
      '# {"time":"2024-05-05T00:00:00.3446Z","style":"event","kind":"Event","watch":"ADDED"}',
    ],
    ['a deleted object', '# {"time":"2024-05-05T00:00:00Z","style":"initial","kind":"Pod","deleted":true}'],
    ['an empty object', '# {}'],
    ['spaces JSON allows', '#   { "time" : "2024-05-05T00:00:00Z" , "style":"event" }  '],
    ['escapes', '# {"time":"2024-05-05T00:00:00Z","style":"ev\\u0065nt","kind":"a\\"b"}'],
    ['a repeated key (the last one wins)', '# {"time":"a","time":"2024-05-05T00:00:00Z"}'],
    ['values of other types', '# {"time":5,"style":null,"deleted":"yes","n":[1,{"a":2}]}'],
    ['no space after #', '#{"time":"2024-05-05T00:00:00Z"}'],
  ])('reads %s as JSON.parse does', (_name, line) => {
    expect(fields(read(line))).toStrictEqual(fields(JSON.parse(line.slice(1)) as CaptureHeader));
  });

  it.each([
    ['a comment', '# note'],
    ['no #', '{"time":"x"}'],
    ['a comment ending in }', '# a }'],
  ])('is not a header: %s', (_name, line) => {
    expect(read(line)).toBeUndefined();
  });

  it.each([
    ['a trailing comma', '# {"time":"x",}'],
    ['a stray brace', '# {"time":"x"}}'],
    ['an unquoted key', '# {time:"x"}'],
    ['a raw tab in a string', '# {"time":"a\tb"}'],
  ])('rejects invalid JSON: %s', (_name, line) => {
    expect(() => read(line)).toThrow(SyntaxError);
  });

  it('gives what JSON.parse gives for any JSON object of header-like fields', () => {
    const value = fc.oneof(
      fc.string(),
      fc.constantFrom('2024-05-05T00:00:00.1Z', 'event', 'a"b', 'a\\b', '\u0001', 'é'),
      fc.boolean(),
      fc.integer(),
      fc.constant(null),
    );
    const key = fc.constantFrom('time', 'style', 'kind', 'deleted', 'watch', 'other', '__proto__', 'ti"me');
    fc.assert(
      fc.property(fc.array(fc.tuple(key, value), { maxLength: 5 }), (entries) => {
        // Built by hand so that a key may repeat, as a writer could write it.
        const json = `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
        expect(fields(read(`# ${json}`))).toStrictEqual(fields(JSON.parse(json) as CaptureHeader));
      }),
      { numRuns: 1000 },
    );
  });
});
