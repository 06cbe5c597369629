import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { InputRecord } from '../core/index.ts';
import { parseNdjsonLine } from './ndjson-reader.ts';
import { toKspanCapture } from './capture-writer.ts';
import { parseMachineYaml, UNSUPPORTED } from './machine-yaml.ts';
import { yamlKeys, yamlValues } from './test-support/yaml-values.ts';

/** The fast path must give what the `yaml` package gives, or step aside. */
function agrees(text: string): boolean {
  const fast = parseMachineYaml(text);
  if (fast === UNSUPPORTED) return false;
  expect(fast).toStrictEqual(parse(text));
  return true;
}

const SCENARIOS = join(import.meta.dirname, '..', 'scenarios');
const scenarioRecords = (name: string): InputRecord[] =>
  readFileSync(join(SCENARIOS, name, 'input.ndjson'), 'utf8')
    .split('\n')
    .flatMap((line, i) => parseNdjsonLine(line, name, i + 1) ?? []);
const captures = readdirSync(SCENARIOS, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d): [string, string[]] => [
    d.name,
    toKspanCapture(scenarioRecords(d.name))
      .split(/^---\n/m)
      .filter((doc) => doc.trim() !== ''),
  ]);

const keys = yamlKeys;
const values = yamlValues;

describe('parseMachineYaml', () => {
  it.each(captures)('parses every document of the %s capture as the yaml package does', (_name, docs) => {
    for (const doc of docs) {
      const body = doc.split('\n').filter((l) => !l.startsWith('# {'));
      expect(agrees(body.join('\n'))).toBe(true);
    }
  });

  it('parses the Go-written testdata (sequences at their key’s indentation, quoted times)', () => {
    const text = readFileSync(join(import.meta.dirname, 'testdata', 'two-documents.yaml'), 'utf8');
    const docs = text.split(/^---\n/m).filter((d) => d.trim() !== '');
    expect(docs).toHaveLength(2);
    for (const d of docs) expect(agrees(d)).toBe(true);
  });

  it('parses the long strings Go folds onto more lines, in each of its styles, on the fast path', () => {
    // Written by scripts/go-yaml-writer (sigs.k8s.io/yaml, as the Go kspan's --capture-to): plain, single-quoted
    // with '', double-quoted with \x escapes and a `\` before a kept space, and a | block; and a Deployment as kubectl
    // applies it (its last-applied-configuration, a command's `- -c` and `- --port=8080`, a folded condition), and a
    // ConfigMap's `|+` and `|2` blocks.
    const text = readFileSync(join(import.meta.dirname, 'testdata', 'go-folded.yaml'), 'utf8');
    const docs = text.split(/^---\n/m).filter((d) => d.trim() !== '');
    expect(docs).toHaveLength(18);
    for (const d of docs) expect(agrees(d)).toBe(true);
    const folded = docs.filter((d) => /^message: .*\n {2}\S/m.test(d));
    expect(folded.length).toBeGreaterThanOrEqual(12);
  });

  it('agrees with the yaml package on random strings as Go writes them, nearly all on the fast path', () => {
    // scripts/go-yaml-writer: 300 seeded random strings of indicators, quotes, escapes, tabs, CR, LF and non-ASCII
    // text, each as a value, a sequence item and a nested value (20,000 of them, checked once: none disagreed,
    // 93.8 % on the fast path, the rest holding U+2028 or a block with an indentation indicator).
    const text = readFileSync(join(import.meta.dirname, 'testdata', 'go-random-strings.yaml'), 'utf8');
    const docs = text.split(/^---\n/m).filter((d) => d.trim() !== '');
    expect(docs).toHaveLength(300);
    const fast = docs.filter((d) => agrees(d)).length;
    expect(fast).toBeGreaterThanOrEqual(285);
  });

  it('agrees with the yaml package or steps aside on long strings it folds (plain, quoted, escaped)', () => {
    const word = fc.oneof(
      fc.constantFrom(
        "it's",
        '"q"',
        '#c',
        'a#b',
        'k:',
        ':x',
        '-',
        '- ',
        '?',
        '\\',
        '\\ ',
        'ü',
        '\t',
        '  ',
        '',
        '\n',
        '\u2028',
      ),
      fc.string({ maxLength: 9 }),
    );
    const long = fc.array(word, { minLength: 4, maxLength: 30 }).map((w) => w.join(' '));
    let folded = 0;
    fc.assert(
      fc.property(
        fc.dictionary(keys, fc.oneof(long, fc.array(long, { maxLength: 2 })), { minKeys: 1, maxKeys: 3 }),
        fc.integer({ min: 20, max: 80 }),
        fc.constantFrom<('PLAIN' | 'QUOTE_SINGLE' | 'QUOTE_DOUBLE')[]>('PLAIN', 'QUOTE_SINGLE', 'QUOTE_DOUBLE'),
        fc.boolean(),
        (obj, lineWidth, defaultStringType, indentSeq) => {
          const text = stringify(obj, {
            lineWidth,
            minContentWidth: 0,
            defaultStringType,
            indentSeq,
            blockQuote: 'literal',
          });
          if (agrees(text) && /^\s*(?:- |[^\s|][^|]*: )[^|].*\n\s+[^\s-]/m.test(text)) folded++;
        },
      ),
      { numRuns: Number(process.env.YAML_RUNS ?? 1500) },
    );
    // Many folded ones on the fast path (about two thirds of them: the rest hold what it leaves to the full parser
    // by design, a tab, U+2028 or a block with an indentation indicator).
    expect(folded).toBeGreaterThan(Number(process.env.YAML_RUNS ?? 1500) / 6);
  });

  it('agrees with the yaml package or steps aside, for anything the yaml package writes (both sequence styles)', () => {
    fc.assert(
      fc.property(fc.dictionary(keys, values.node, { minKeys: 1, maxKeys: 5 }), fc.boolean(), (obj, indentSeq) => {
        agrees(stringify(obj, { lineWidth: 0, indentSeq }));
      }),
      { numRuns: Number(process.env.YAML_RUNS ?? 1500) },
    );
  });

  it('reads a document in place: the lines around its range change nothing', () => {
    const lines = fc.array(
      fc.oneof(fc.constantFrom('---', 'a: 1', '  b: x', '- c', '', '# {"time":"t"}'), fc.string()),
      {
        maxLength: 3,
      },
    );
    fc.assert(
      fc.property(yamlValues.map, lines, lines, fc.boolean(), (obj, before, after, indentSeq) => {
        const doc = stringify(obj, { lineWidth: 0, indentSeq }).replace(/\n$/, '');
        const head = before.map((l) => `${l.replaceAll('\n', ' ')}\n`).join('');
        const text = `${head}${doc}${after.map((l) => `\n${l.replaceAll('\n', ' ')}`).join('')}`;
        expect(parseMachineYaml(text, head.length, head.length + doc.length)).toStrictEqual(parseMachineYaml(doc));
      }),
      { numRuns: Number(process.env.YAML_RUNS ?? 500) },
    );
  });

  it('agrees with the yaml package or steps aside on objects it writes with anchors (an object met twice)', () => {
    let parsed = 0;
    fc.assert(
      fc.property(fc.dictionary(keys, values.node, { minKeys: 1, maxKeys: 4 }), fc.boolean(), (shared, indentSeq) => {
        const doc = { spec: { selector: shared, template: { labels: shared } }, list: [shared, shared] };
        const text = stringify(doc, { lineWidth: 0, indentSeq });
        expect(text).toContain('*a1');
        if (agrees(text)) parsed++;
      }),
      { numRuns: Number(process.env.YAML_RUNS ?? 300) },
    );
    // Many of them on the fast path (about a fifth: the generator is built to reach what it leaves to the full parser).
    expect(parsed).toBeGreaterThan(Number(process.env.YAML_RUNS ?? 300) / 10);
  });

  it.each([
    ['a folded block scalar', 'm: >-\n  one\n  two'],
    ['a kept block scalar at the end of the document', 'm: |+\n  one\n'],
    ['an indentation indicator in a sequence item', 's:\n- |2\n   one'],
    ['a flow mapping', 'm: {a: 1}'],
    ['an alias to no anchor', 'm: *x'],
    ['an anchored alias', 'a: &x 1\nm: &y *x'],
    ['an anchor on a mapping item line', 's:\n- &x a: 1'],
    ['more than 100 aliases', `a: &x 1\n${Array.from({ length: 101 }, (_, i) => `b${i}: *x`).join('\n')}`],
    ['a tag', 'm: !!str 1'],
    ['a comment after a value', 'm: 1 # one'],
    ['a float', 'm: 1.5'],
    ['a duplicate key', 'm: 1\nm: 2'],
    ['a tab indentation', 'm:\n\tn: 1'],
    ['a bare scalar document', 'hello'],
    ['an unclosed quote', 'm: "open'],
    ['a key with a trailing space', 'm : 1'],
    ['a lone dash as a value', 'm: -'],
    ['a lone question mark in a sequence', 's:\n- ?'],
    ['a folded plain scalar with a blank line', 'm: a long\n\n  message'],
    ['a folded plain scalar with a comment line', 'm: a long\n# c\n  message'],
    ['a folded plain scalar continued by an indicator', 'm: a long\n  - message'],
    ['a folded scalar not indented past its key', 's:\n  m: "a long\n  message"'],
    ['more after a folded quote closes', "m: 'a\n  b' c"],
    ['an unknown escape', 'm: "\\q"'],
  ])('steps aside for %s', (_name, text) => {
    expect(parseMachineYaml(text)).toBe(UNSUPPORTED);
  });

  it.each([
    ['nested mappings and sequences', 'a:\n  b:\n  - x: 1\n    y: "two"\n  - 3\nc: []\nd: {}\ne:\n'],
    ['quoted keys and escapes', '"k: v": \'it\'\'s\'\n"\\u00e9\\n": "tab\\there"'],
    ['CRLF line ends and comment lines', 'a: 1\r\n# note\r\nb: x\r\n'],
    ['a sequence of sequences', 's:\n-\n  - 1\n  - 2'],
    [
      'folded plain and quoted scalars',
      "a: a long\n  message\n  here\nb: 'it''s\n  folded\n\n  twice'\nc:\n- \"x\\\n  y \\\n  \\ z\"\n- 12\n  34\nd: 1",
    ],
    ['an escaped space before a folded line break', 'm: "a \\ \n  b"'],
    [
      'kept blocks and indentation indicators (as Go writes a ConfigMap)',
      'a: |+\n  x\n\n\nb: |2\n    lead\n  two\nc: |2-\n     x\nd: |-2\n    y\ne: |+\n  z\n  \nf: 1',
    ],
    [
      'plain scalars starting with -, ? or : (a container command)',
      'command:\n- /bin/sh\n- -c\n- --port=8080\n- ?x\n- ::1\n- -1\n- -inf\nflag: -v\n-k: 1',
    ],
    ['YAML escapes', 'a: "\\x41\\u00e9\\U0001F600\\e\\N\\_\\L\\P\\0\\a\\v\\ \\/"'],
    ['anchors and aliases', 'a: &m\n  k: v\nb: *m\ns:\n- &q\n  - 1\n- *q\n- &n 7\n- *n\nc: &t |\n  text\nd: *t'],
    [
      'literal blocks',
      'a: |\n  {"x": 1}\n\n  # not a comment\n    deeper\n\nb: |-\n  two\n  lines\nc:\n- |\n  item\nd: |\ne: 1',
    ],
  ])('parses %s', (_name, text) => {
    expect(agrees(text)).toBe(true);
  });
});

describe('parseMachineYaml memory', () => {
  it('returns values that do not keep the read batch they were cut from alive', async () => {
    const { setFlagsFromString } = await import('node:v8');
    const { runInNewContext } = await import('node:vm');
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const used = (): number => {
      gc();
      gc();
      return process.memoryUsage().heapUsed;
    };
    const kept: unknown[] = [];
    const before = used();
    // 64 batches of 1 MiB, as the file reader splits them; one small document from each is kept.
    for (let b = 0; b < 64; b++) {
      const doc = `kind: Pod\nmetadata:\n  name: web-5d5f8c9b4-${String(b).padStart(5, '0')}\n  uid: "0756f569-497c-4353-9e23-${String(b).padStart(12, '0')}"\nnote: 'folded ${b}\n  onto a line'\nplain: folded ${b}\n  onto a line\n`;
      const batch = `${doc}${'#'.padEnd(1 << 20, 'x')}`;
      kept.push(parseMachineYaml(batch, 0, doc.length - 1));
    }
    const grown = used() - before;
    expect(kept).toHaveLength(64);
    expect(grown).toBeLessThan(16 << 20);
  });
});
