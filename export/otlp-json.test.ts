import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { replay, type InputRecord, type KspanSpan } from '../core/index.ts';
import { parseNdjsonLine } from '../input-log/ndjson-reader.ts';
import fc from 'fast-check';
import { terminalSafe } from '../common/terminal-safe.ts';
import { JsonBytes } from './json-bytes.ts';
import { encodeTraceRequest, toOtlpJson, writeTraceRequest } from './otlp-json.ts';
import { toReadableSpan } from './to-readable-span.ts';

/** What the OpenTelemetry SDK's own serializer writes for the same spans: the reference encoding. */
function sdkJson(spans: readonly KspanSpan[]): string {
  return new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans.map(toReadableSpan)));
}

const SCENARIOS = join(import.meta.dirname, '..', 'scenarios');
const scenarioRecords = (name: string): InputRecord[] =>
  readFileSync(join(SCENARIOS, name, 'input.ndjson'), 'utf8')
    .split('\n')
    .flatMap((line, i) => parseNdjsonLine(line, name, i + 1) ?? []);
const scenarioSpans = readdirSync(SCENARIOS, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d): [string, KspanSpan[]] => [d.name, replay(scenarioRecords(d.name), { windowMs: 5000 }).spans]);

/** writeTraceRequest's line, through chunks of `chunkBytes`, as text. */
function lineOf(spans: readonly KspanSpan[], chunkBytes?: number): string {
  const chunks: Buffer[] = [];
  const out = new JsonBytes((b) => chunks.push(b), chunkBytes);
  writeTraceRequest(out, spans, undefined, true);
  out.flush();
  return Buffer.concat(chunks).toString('utf8');
}

const base: KspanSpan = {
  traceId: '0123456789abcdef0123456789abcdef',
  spanId: '0123456789abcdef',
  name: 'Pod.BackOff',
  startUs: 1_714_926_120_073_451,
  endUs: 1_714_926_193_000_000,
  serviceName: 'kubelet',
  attributes: {},
  events: [],
  status: 'unset',
};

describe('OTLP/JSON encoding', () => {
  it.each(scenarioSpans)('writes the same bytes as the SDK serializer for %s', (_name, spans) => {
    expect(spans.length).toBeGreaterThan(0);
    expect(encodeTraceRequest(spans)).toBe(sdkJson(spans));
  });

  it.each([
    ['a root span (no parent)', base],
    ['an empty parent ID', { ...base, parentSpanId: '' }],
    ['an error with a message', { ...base, parentSpanId: 'fedcba9876543210', status: 'error', statusMessage: 'x "y"' }],
    ['an error without a message', { ...base, status: 'error' }],
    [
      'every attribute type',
      {
        ...base,
        name: 'Pod.\u0001"x"',
        attributes: {
          s: 'a\nb\u2028',
          q: 'say "hi" \\ back',
          emoji: 'ok 🚀',
          lone: 'x\ud800y',
          'k"ey': 'v',
          i: 3,
          big: 1_714_926_120_073_451,
          d: 0.25,
          t: true,
          f: false,
        },
      },
    ],
    ['span events', { ...base, events: [{ name: 'repeated', timeUs: 1_714_926_131_000_001, attributes: { n: 2 } }] }],
    ['time zero and fractional microseconds', { ...base, startUs: 0, endUs: 1.5 }],
  ] as [string, KspanSpan][])('matches the SDK for %s', (_name, span) => {
    expect(encodeTraceRequest([span])).toBe(sdkJson([span]));
  });

  it('groups spans by service in order of first appearance, keeping their order inside a group', () => {
    const a = { ...base, spanId: '000000000000000a', serviceName: 'kubelet' };
    const b = { ...base, spanId: '000000000000000b', serviceName: 'default-scheduler' };
    const c = { ...base, spanId: '000000000000000c', serviceName: 'kubelet' };
    const req = JSON.parse(encodeTraceRequest([a, b, c])) as {
      resourceSpans: { scopeSpans: { spans: { spanId: string }[] }[] }[];
    };
    expect(req.resourceSpans.map((rs) => rs.scopeSpans[0]!.spans.map((s) => s.spanId))).toEqual([
      ['000000000000000a', '000000000000000c'],
      ['000000000000000b'],
    ]);
  });

  it('sorts a whole log by trace, start and span ID for the single-document form', () => {
    const [, spans] = scenarioSpans[0]!;
    expect(toOtlpJson(spans.slice().reverse())).toBe(toOtlpJson(spans));
    expect(toOtlpJson([])).toBe('{"resourceSpans":[]}');
  });

  it.each(scenarioSpans)('writes a JSON Lines line as the request and a newline for %s', (_name, spans) => {
    expect(lineOf(spans)).toBe(`${encodeTraceRequest(spans)}\n`);
    expect(lineOf(spans, 7)).toBe(`${encodeTraceRequest(spans)}\n`);
  });

  it('writes what the SDK serializer writes, made terminal-safe, for any strings and values in a span', () => {
    const text = fc.string({ unit: 'binary', maxLength: 12 });
    const unsafe = fc.constantFrom('"', '\\', '\n', '\u001b', '\u009b', '\u202e', '\ud800', 'é', '🚀');
    const str = fc.oneof(
      text,
      fc.array(fc.oneof(unsafe, text), { maxLength: 4 }).map((p) => p.join('')),
    );
    const value = fc.oneof(str, fc.integer(), fc.double(), fc.boolean());
    // kspan.component is the encoder's own last attribute (the SDK's spread would keep a clashing key in place).
    const key = str.filter((k) => k !== 'kspan.component' && k !== '__proto__');
    const span = fc.record({
      name: str,
      serviceName: fc.oneof(fc.constantFrom('kubelet', 'default-scheduler'), str),
      parentSpanId: fc.option(fc.constantFrom('', 'fedcba9876543210'), { nil: undefined }),
      startUs: fc.integer({ min: 1, max: 2_000_000_000_000_000 }),
      attributes: fc.dictionary(key, value, { maxKeys: 6 }),
      events: fc.array(
        fc.record({ name: str, timeUs: fc.nat(), attributes: fc.dictionary(key, value, { maxKeys: 2 }) }),
        { maxLength: 2 },
      ),
      status: fc.constantFrom('unset' as const, 'error' as const),
      statusMessage: fc.option(str, { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(span, { maxLength: 6 }), fc.integer({ min: 1, max: 300 }), (parts, chunkBytes) => {
        const spans: KspanSpan[] = parts.map((p, i) => ({
          ...base,
          ...p,
          endUs: p.startUs + i,
          spanId: i.toString(16).padStart(16, '0'),
        }));
        const expected = terminalSafe(sdkJson(spans));
        expect(encodeTraceRequest(spans)).toBe(expected);
        expect(lineOf(spans, chunkBytes)).toBe(`${expected}\n`);
      }),
      { numRuns: 300 },
    );
  });
});
