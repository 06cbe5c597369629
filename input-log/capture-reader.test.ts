import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCapture } from './capture-reader.ts';
import { InputLogError } from './input-log-error.ts';

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

  it('names the file and line of a malformed document', async () => {
    const lines = ['---', '# {"time":"2024-05-05T16:22:15Z","style":"event"}', 'kind: Event', 'metadata: [unclosed'];
    await expect(collect(readCapture(lines, 'bad.yaml'))).rejects.toThrow(InputLogError);
    await expect(collect(readCapture(lines, 'bad.yaml'))).rejects.toThrow(/^bad\.yaml:2: not valid YAML/);
  });

  it('rejects a document with no time', async () => {
    await expect(collect(readCapture(['---', 'kind: Event', 'metadata: {name: x}'], 'no-time.yaml'))).rejects.toThrow(
      /no-time\.yaml:2: .*header/,
    );
  });
});
