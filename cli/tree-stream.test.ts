import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { printTrees, type KspanSpan } from '../core/index.ts';
import { TextWriter } from './text-writer.ts';
import { TreeStream } from './tree-stream.ts';

function span(traceId: string, spanId: string, name: string, startUs: number, parentSpanId?: string): KspanSpan {
  return {
    traceId: traceId.padStart(32, '0'),
    spanId: spanId.padStart(16, '0'),
    ...(parentSpanId !== undefined ? { parentSpanId: parentSpanId.padStart(16, '0') } : {}),
    name,
    startUs,
    endUs: startUs + 10,
    serviceName: 'svc',
    attributes: { 'kspan.event.message': name },
    events: [],
    status: 'unset',
  };
}

function collect(): { out: TextWriter; text: () => string } {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { out: new TextWriter(sink), text: () => text };
}

const a = [span('a', '1', 'Deployment.Update', 1000), span('a', '2', 'Pod.Scheduled', 2000, '1')];
const b = [span('b', '3', 'Node.NotReady', 500)];
const late = [span('a', '4', 'Pod.Evicted', 9000, '2')];

describe('TreeStream', () => {
  it('prints each trace once the next one begins, in emission order, as printTrees prints it', async () => {
    const { out, text } = collect();
    const tree = new TreeStream((t) => out.write(t), { times: false });
    for (const s of a) tree.emit(s);
    out.flush();
    expect(text()).toBe('');
    tree.emit(b[0] as KspanSpan);
    out.flush();
    expect(text()).toBe(printTrees(a, { times: false }));
    for (const s of late) tree.emit(s);
    tree.flush();
    await out.end();
    // b started before a, but a was emitted first: emission order, not start order.
    expect(text()).toBe(
      [printTrees(a, { times: false }), printTrees(b, { times: false }), printTrees(late, { times: false })].join('\n'),
    );
  });

  it('prints the same text as printTrees when traces are emitted in start order, one block each', async () => {
    const { out, text } = collect();
    const tree = new TreeStream((t) => out.write(t), { rules: true });
    for (const s of [...b, ...a]) tree.emit(s);
    tree.flush();
    await out.end();
    expect(text()).toBe(printTrees([...a, ...b], { rules: true }));
  });

  it('prints nothing for no spans', async () => {
    const { out, text } = collect();
    new TreeStream((t) => out.write(t), {}).flush();
    await out.end();
    expect(text()).toBe('');
  });
});
