import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { terminalSafe } from '../common/terminal-safe.ts';
import { TextWriter } from './text-writer.ts';

function sink(): { out: Writable; chunks: string[] } {
  const chunks: string[] = [];
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { out, chunks };
}

describe('TextWriter', () => {
  it('transforms queued text a chunk at a time, the same as each write transformed', async () => {
    const { out, chunks } = sink();
    const writes = ['a\u001b[31m', 'b\n', '\u202ec', 'x'.repeat(70_000), 'd\u009b'];
    const writer = new TextWriter(out, (t) => terminalSafe(t, true));
    for (const w of writes) writer.write(w);
    await writer.end();
    // The 70k write went out with what was queued before it: fewer chunks than writes.
    expect(chunks.length).toBeLessThan(writes.length);
    expect(chunks.join('')).toBe(writes.map((w) => terminalSafe(w, true)).join(''));
  });

  it('writes raw text and bytes untransformed, after the queued text', async () => {
    const { out, chunks } = sink();
    const writer = new TextWriter(out, (t) => t.toUpperCase());
    writer.write('queued ');
    writer.writeRaw('raw ');
    writer.write('more ');
    writer.writeBytes(Buffer.from('bytes'));
    await writer.end();
    expect(chunks.join('')).toBe('QUEUED raw MORE bytes');
  });
});
