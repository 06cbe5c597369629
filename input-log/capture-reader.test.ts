import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { InputRecord } from '../core/index.ts';
import { CaptureDocuments, captureDocumentToRecord, readCapture } from './capture-reader.ts';
import { InputLogError } from './input-log-error.ts';
import { yamlValues } from './test-support/yaml-values.ts';

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('readCapture', () => {
  it('turns each document into a record stamped with its header time', async () => {
    const text = readFileSync(join(import.meta.dirname, 'testdata', 'two-documents.yaml'), 'utf8');
    const records = await collect(readCapture(text.split('\n'), 'two-documents.yaml'));
    expect(records.map((r) => [r.type, r.at])).toEqual([
      ['event', '2024-05-05T16:22:15.808165851Z'],
      ['object', '2024-05-05T16:22:15.831578925Z'],
    ]);
    expect(records[1]).toMatchObject({ object: { kind: 'Deployment', metadata: { name: 'px', generation: 1 } } });
  });

  it('reads documents beyond the fast path with the full YAML parser', async () => {
    const lines = [
      '# {"time":"2024-05-05T16:22:15Z","style":"watch"}',
      'kind: Pod',
      'metadata: {name: p, uid: u}',
      'note: >-',
      '  folded',
      '  text',
    ];
    const records = await collect(readCapture(lines, 'flow.yaml'));
    expect(records).toEqual([
      {
        type: 'object',
        at: '2024-05-05T16:22:15Z',
        object: { kind: 'Pod', metadata: { name: 'p', uid: 'u' }, note: 'folded text' },
      },
    ]);
  });

  it('names the file and the line of the mistake in a malformed document', async () => {
    const lines = ['---', '# {"time":"2024-05-05T16:22:15Z","style":"event"}', 'kind: Event', 'metadata: [unclosed'];
    await expect(collect(readCapture(lines, 'bad.yaml'))).rejects.toThrow(InputLogError);
    await expect(collect(readCapture(lines, 'bad.yaml'))).rejects.toThrow(
      /^bad\.yaml:4: not valid YAML \(Flow sequence .*, column \d+\)$/,
    );
  });

  it('counts the line of a mistake from the start of the file, past earlier documents', async () => {
    const event = (second: number): string[] => [
      '---',
      `# {"time":"2024-05-05T16:22:${second}Z","style":"event"}`,
      'kind: Event',
      'metadata:',
      '  name: a',
    ];
    // Line 12: a duplicate key in the second document (the parser's line 4 of its text, after the header).
    const lines = [...event(15), 'reason: x', ...event(16), '  name: b'];
    await expect(collect(readCapture(lines, 'dup.yaml'))).rejects.toThrow(
      /^dup\.yaml:12: not valid YAML \(Map keys must be unique, column 3\)$/,
    );
  });

  it('rejects a document with no time', async () => {
    await expect(collect(readCapture(['---', 'kind: Event', 'metadata: {name: x}'], 'no-time.yaml'))).rejects.toThrow(
      /no-time\.yaml:2: .*header/,
    );
  });
});

/** The records of a capture's lines as the reader gave them before it read batches in place: each document's lines by the yaml package. */
function reference(fileLines: string[]): InputRecord[] {
  const out: InputRecord[] = [];
  let lastAt: string | undefined;
  const docs: string[][] = [[]];
  for (const line of fileLines) {
    if (/^---[ \t]*$/.test(line)) docs.push([]);
    else docs[docs.length - 1]!.push(line);
  }
  for (const lines of docs) {
    const h = lines.findIndex((l) => l.startsWith('# {'));
    const header = h >= 0 ? (JSON.parse(lines[h]!.slice(2)) as { time: string }) : undefined;
    const body = lines.slice(h + 1).join('\n');
    if (body.trim() === '') continue;
    const record = captureDocumentToRecord(header, parse(body), lastAt, 'ref', 0);
    if (record === undefined) continue;
    lastAt = record.at;
    out.push(record);
  }
  return out;
}

/** The text cut into batches at some of its newlines (each cut newline dropped, as fileLineBatches cuts). */
function batches(text: string, cuts: number[]): string[] {
  const newlines = [...text.matchAll(/\n/g)].map((m) => m.index);
  const at = [...new Set(cuts.map((c) => newlines[c % Math.max(1, newlines.length)]))]
    .filter((i) => i !== undefined)
    .sort((a, b) => a - b);
  const out: string[] = [];
  let from = 0;
  for (const i of at) {
    out.push(text.slice(from, i));
    from = i + 1;
  }
  if (from < text.length) out.push(text.slice(from));
  return out;
}

const documents = fc.array(
  fc.record({
    style: fc.constantFrom('event', 'initial', 'watch', 'deleted'),
    second: fc.integer({ min: 0, max: 59 }),
    body: fc.dictionary(fc.constantFrom('kind', 'metadata', 'spec', 'a', 'f:x'), yamlValues.node, {
      minKeys: 1,
      maxKeys: 4,
    }),
    indentSeq: fc.boolean(),
    blankBefore: fc.boolean(),
  }),
  { maxLength: 6 },
);

describe('CaptureDocuments', () => {
  it('gives the records the yaml package reads, however the file is cut into batches', () => {
    fc.assert(
      fc.property(documents, fc.array(fc.nat(), { maxLength: 8 }), (docs, cuts) => {
        const text = docs
          .map((d) => {
            const time = `2024-05-05T16:22:${String(d.second).padStart(2, '0')}.123456Z`;
            const header = `# ${JSON.stringify({ time, style: d.style, kind: 'Pod' })}\n`;
            return `---\n${d.blankBefore ? '\n' : ''}${header}${stringify(d.body, { lineWidth: 0, indentSeq: d.indentSeq })}`;
          })
          .join('');
        const reader = new CaptureDocuments('gen.yaml');
        const records: InputRecord[] = [];
        const cut = batches(text, cuts);
        for (const b of cut) reader.batch(b, records);
        reader.end(records);
        expect(records).toStrictEqual(reference(cut.flatMap((b) => b.split('\n'))));
      }),
      { numRuns: Number(process.env.YAML_RUNS ?? 500) },
    );
  });

  // The yaml package drops a byte order mark at a document's start: the fast path must leave such a line to it.
  it.each([
    [
      'in one batch',
      ['---', '# {"time":"2024-05-05T16:22:15Z","style":"initial"}', '\ufeffkind: Pod', 'b: 1', '---'].join('\n'),
    ],
    ['across batches', '---\n# {"time":"2024-05-05T16:22:15Z","style":"initial"}\n\ufeffkind: Pod', 'b: 1'],
    ['after an ASCII batch', '---\n# {"time":"2024-05-05T16:22:15Z","style":"initial"}', '\ufeffkind: Pod\nb: 1'],
  ])('leaves a document with a byte order mark to the yaml package (%s)', (_name, ...cut) => {
    const reader = new CaptureDocuments('bom.yaml');
    const records: InputRecord[] = [];
    for (const b of cut) reader.batch(b, records);
    reader.end(records);
    expect(records).toStrictEqual([{ type: 'object', at: '2024-05-05T16:22:15Z', object: { kind: 'Pod', b: 1 } }]);
  });
});
