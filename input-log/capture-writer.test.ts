import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { listScenarios } from '../cli/scenarios-command.ts';
import { printTrees, replay, type InputRecord } from '../core/index.ts';
import { readCapture } from './capture-reader.ts';
import { toKspanCapture } from './capture-writer.ts';
import { toCoreV1Event } from './core-v1-event.ts';
import { parseNdjsonLine } from './ndjson-reader.ts';

const scenarios = await listScenarios();

function load(path: string): InputRecord[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .flatMap((l, i) => parseNdjsonLine(l, path, i + 1) ?? []);
}

/**
 * Reads a capture the way the Go kspan's playback does (controllers/events/playback.go, walkFile and
 * playback): YAML documents framed by `---` lines into a 64 KiB buffer, at least 10 bytes each, a leading
 * `---\n` dropped, the first line `# ` + JSON {time, style, kind}; style `initial` is an object loaded up
 * front, `event` a core/v1 Event; any other style is an error.
 */
function goPlayback(text: string): { style: string; time: string; body: Record<string, unknown> }[] {
  const docs = text.split(/^(?=---$)/m).filter((d) => d.trim() !== '');
  return docs.map((raw, i) => {
    expect(Buffer.byteLength(raw), `document ${i} fits playback's 64 KiB frame buffer`).toBeLessThan(64 * 1024);
    expect(Buffer.byteLength(raw), `document ${i} is not "too short"`).toBeGreaterThanOrEqual(10);
    const doc = raw.startsWith('---\n') ? raw.slice(4) : raw;
    const first = doc.slice(0, doc.indexOf('\n'));
    expect(first.startsWith('# '), `document ${i} starts with its header`).toBe(true);
    const details = JSON.parse(first.slice(2)) as { time: string; style: string; kind: string };
    // Go's time.Time unmarshals RFC 3339 (fraction optional).
    expect(details.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/);
    expect(['initial', 'event'], `style ${details.style}`).toContain(details.style);
    const body = parse(doc) as Record<string, unknown>;
    if (details.style === 'event') {
      // Decoded into core/v1 Event: its fields must be the core/v1 ones.
      expect(body.apiVersion).toBe('v1');
      expect(body.kind).toBe('Event');
      // An Event with an incomplete subject (no kind, no name, or an empty involvedObject) is captured as it came.
      expect(body.involvedObject).toBeTypeOf('object');
      const ref = body.involvedObject as { kind?: unknown; name?: unknown };
      for (const field of [ref.kind, ref.name]) if (field !== undefined) expect(field).toBeTypeOf('string');
      for (const field of ['regarding', 'note', 'reportingController', 'deprecatedSource'])
        expect(body).not.toHaveProperty(field);
    }
    return { style: details.style, time: details.time, body };
  });
}

async function fromCapture(text: string): Promise<InputRecord[]> {
  const out: InputRecord[] = [];
  for await (const r of readCapture(text.split('\n'), 'capture')) out.push(r);
  return out;
}

describe('captures we write are what the Go kspan playback reads', () => {
  it.each(scenarios.map((s) => [s.name, s]))('%s: every document as playback decodes it', (_name, s) => {
    const records = load(s.input);
    const docs = goPlayback(toKspanCapture(records));
    expect(docs).toHaveLength(records.filter((r) => r.type !== 'tick').length);
    expect(docs.filter((d) => d.style === 'event')).toHaveLength(records.filter((r) => r.type === 'event').length);
  });

  it.each(scenarios.map((s) => [s.name, s]))('%s: replays to the same tree as its input log', async (_name, s) => {
    const records = load(s.input);
    const back = await fromCapture(toKspanCapture(records));
    const tree = (rs: readonly InputRecord[]): string =>
      printTrees(replay(rs, { windowMs: 5000 }).spans, { rules: true });
    expect(tree(back)).toBe(tree(records));
  });

  it('marks a deletion in the header, where Go ignores it and kspan reads it', async () => {
    const text = toKspanCapture([
      {
        type: 'object',
        at: '2024-05-05T16:22:00.5Z',
        object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'd', uid: 'u' } },
        deleted: true,
      },
    ]);
    expect(text.split('\n')[1]).toBe(
      '# {"time":"2024-05-05T16:22:00.5Z","style":"initial","kind":"Pod","deleted":true}',
    );
    expect(await fromCapture(text)).toMatchObject([{ type: 'object', deleted: true }]);
  });

  it('writes an object met twice in full, as Go does, never as a YAML anchor and alias', async () => {
    const labels = { app: 'web', 'pod-template-hash': 'd46dpn77h2' };
    const rs = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'web-d46dpn77h2', namespace: 'd', uid: 'u', labels },
      spec: { selector: { matchLabels: labels }, template: { metadata: { labels } } },
    };
    const text = toKspanCapture([{ type: 'object', at: '2024-05-05T16:22:00.5Z', object: rs }]);
    expect(text).not.toMatch(/[&*]a1/);
    expect(text.match(/pod-template-hash: d46dpn77h2/g)).toHaveLength(3);
    expect(await fromCapture(text)).toEqual([{ type: 'object', at: '2024-05-05T16:22:00.5Z', object: rs }]);
  });
});

describe('toCoreV1Event', () => {
  it('converts an events.k8s.io/v1 body the way the API server does', () => {
    expect(
      toCoreV1Event({
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        metadata: { name: 'e', namespace: 'd' },
        eventTime: '2024-05-05T16:22:00.073450Z',
        reportingController: 'default-scheduler',
        reportingInstance: 'default-scheduler-cp',
        action: 'Binding',
        reason: 'Scheduled',
        regarding: { kind: 'Pod', namespace: 'd', name: 'p', uid: 'u', fieldPath: 'spec.containers{app}' },
        note: 'Successfully assigned d/p to n1',
        type: 'Normal',
        deprecatedSource: {},
        deprecatedFirstTimestamp: null,
        deprecatedLastTimestamp: null,
      }),
    ).toEqual({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'e', namespace: 'd' },
      eventTime: '2024-05-05T16:22:00.073450Z',
      action: 'Binding',
      reason: 'Scheduled',
      involvedObject: { kind: 'Pod', namespace: 'd', name: 'p', uid: 'u', fieldPath: 'spec.containers{app}' },
      message: 'Successfully assigned d/p to n1',
      type: 'Normal',
      source: {},
      firstTimestamp: null,
      lastTimestamp: null,
      reportingComponent: 'default-scheduler',
      reportingInstance: 'default-scheduler-cp',
    });
  });

  it('leaves a core/v1 body as it is', () => {
    const e = { apiVersion: 'v1', kind: 'Event', involvedObject: { kind: 'Pod', name: 'p' }, message: 'm' };
    expect(toCoreV1Event(e)).toBe(e);
  });
});
