import type { AttributeValue, KspanSpan } from '../core/index.ts';

interface JaegerTag {
  readonly key: string;
  readonly type?: string;
  readonly value: unknown;
}

interface JaegerSpan {
  readonly traceID: string;
  readonly spanID: string;
  readonly operationName: string;
  readonly references?: readonly { readonly refType: string; readonly spanID: string }[];
  readonly startTime: number;
  readonly duration: number;
  readonly tags?: readonly JaegerTag[];
  readonly logs?: readonly { readonly timestamp: number; readonly fields: readonly JaegerTag[] }[];
  readonly processID: string;
}

interface JaegerTrace {
  readonly traceID: string;
  readonly spans: readonly JaegerSpan[];
  readonly processes: Readonly<Record<string, { readonly serviceName: string }>>;
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`Jaeger query ${url} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
  return (await res.json()) as T;
}

function attributes(tags: readonly JaegerTag[] | undefined): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const t of tags ?? []) {
    if (typeof t.value === 'string' || typeof t.value === 'number' || typeof t.value === 'boolean')
      out[t.key] = t.value;
  }
  return out;
}

/** Converts a span read back from Jaeger into the core's span shape, so the same tree printer serves both. */
export function fromJaeger(trace: JaegerTrace, span: JaegerSpan): KspanSpan {
  const attrs = attributes(span.tags);
  const parent = span.references?.find((r) => r.refType === 'CHILD_OF')?.spanID;
  return {
    traceId: span.traceID,
    spanId: span.spanID,
    parentSpanId: parent,
    name: span.operationName,
    startUs: span.startTime,
    endUs: span.startTime + span.duration,
    serviceName: trace.processes[span.processID]?.serviceName ?? 'unknown',
    attributes: attrs,
    events: (span.logs ?? []).map((l) => ({
      name: String(attributes(l.fields).event ?? 'event'),
      timeUs: l.timestamp,
      attributes: attributes(l.fields),
    })),
    status: attrs['otel.status_code'] === 'ERROR' || attrs.error === true ? 'error' : 'unset',
  };
}

/** Every span Jaeger holds for the given services (looked up per service, merged by trace). */
export async function spansFromJaeger(queryUrl: string, services?: readonly string[]): Promise<KspanSpan[]> {
  const names = services ?? (await getJson<{ data: string[] | null }>(`${queryUrl}/api/services`)).data ?? [];
  const traces = new Map<string, JaegerTrace>();
  for (const service of names) {
    const res = await getJson<{ data: JaegerTrace[] | null }>(
      `${queryUrl}/api/traces?service=${encodeURIComponent(service)}&lookback=2h&limit=1000`,
    );
    for (const t of res.data ?? []) traces.set(t.traceID, t);
  }
  const spans = new Map<string, KspanSpan>();
  for (const id of traces.keys()) {
    // A trace found through one service may hold spans of others: read each trace whole.
    const whole = await getJson<{ data: JaegerTrace[] | null }>(`${queryUrl}/api/traces/${id}`);
    for (const t of whole.data ?? []) for (const s of t.spans) spans.set(`${s.traceID}/${s.spanID}`, fromJaeger(t, s));
  }
  return [...spans.values()];
}
