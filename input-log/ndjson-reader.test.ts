import { describe, expect, it } from 'vitest';
import { parseNdjsonLine, readNdjson } from './ndjson-reader.ts';
import { NdjsonLogWriter } from './ndjson-writer.ts';
import type { InputRecord } from '../core/index.ts';

describe('parseNdjsonLine', () => {
  it.each([
    ['{not json', /^log\.ndjson:7: not valid JSON/],
    ['[1,2]', /must be a JSON object/],
    ['{"type":"banana","at":"2024-05-05T16:22:00Z"}', /"type" must be "event", "object" or "tick", got "banana"/],
    ['{"type":"tick","at":"noon"}', /"at" must be an RFC 3339 time/],
    ['{"type":"event","at":"2024-05-05T16:22:00Z"}', /needs an "event" object/],
    ['{"type":"object","at":"2024-05-05T16:22:00Z","object":5}', /needs an "object"/],
    [
      '{"type":"event","at":"2024-05-05T16:22:00Z","watch":"BOOKMARK","event":{}}',
      /"watch" must be ADDED, MODIFIED or DELETED, got "BOOKMARK"/,
    ],
    ['{"type":"object","at":"2024-05-05T16:22:00Z","deleted":"yes","object":{}}', /"deleted" must be true or false/],
  ])('rejects %s with the file, the line and what to do', (line, message) => {
    expect(() => parseNdjsonLine(line, 'log.ndjson', 7)).toThrow(message);
  });

  it('skips blank lines and // comments', () => {
    expect(parseNdjsonLine('   ', 'f', 1)).toBeUndefined();
    expect(parseNdjsonLine('// a note', 'f', 1)).toBeUndefined();
  });

  it('round-trips what the writer writes', async () => {
    const records: InputRecord[] = [
      { type: 'tick', at: '2024-05-05T16:22:00Z' },
      { type: 'object', at: '2024-05-05T16:22:01Z', object: { kind: 'Pod', metadata: { name: 'p', uid: 'u' } } },
    ];
    let text = '';
    const writer = new NdjsonLogWriter({ write: (c: string) => (text += c) });
    for (const r of records) writer.write(r);
    const back: InputRecord[] = [];
    for await (const r of readNdjson(text.split('\n'), 'mem')) back.push(r);
    expect(back).toEqual(records);
  });
});
