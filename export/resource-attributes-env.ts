/** What `OTEL_RESOURCE_ATTRIBUTES` gave: its entries in order, or why the whole value is ignored. */
export type ParsedResourceAttributes =
  | { readonly ok: true; readonly attributes: ReadonlyMap<string, string> }
  | { readonly ok: false; readonly problem: string };

/** Keys and values longer than this are an error (the SDK's environment detector: at most 255 characters). */
export const MAX_RESOURCE_ATTRIBUTE_LENGTH = 255;

function decode(part: string, entry: string): string | { problem: string } {
  try {
    return decodeURIComponent(part);
  } catch {
    return { problem: `"${entry}" is not percent-encoded correctly` };
  }
}

/**
 * Parses `OTEL_RESOURCE_ATTRIBUTES` (`key1=value1,key2=value2`, `,` and `=` percent-encoded inside keys and
 * values, surrounding spaces trimmed, empty entries skipped) as the OpenTelemetry specification and the JS SDK's
 * environment detector do: any malformed entry discards the whole value. A key given twice keeps its first
 * place and its last value. Unlike the SDK, which drops a malformed value silently, this says what is wrong.
 */
export function parseResourceAttributes(raw: string): ParsedResourceAttributes {
  const attributes = new Map<string, string>();
  for (const entry of raw.split(',')) {
    if (entry.trim() === '') continue;
    const pair = entry.split('=');
    if (pair.length !== 2) {
      return {
        ok: false,
        problem: `"${entry}" is not key=value (a ',' or '=' inside a key or value must be percent-encoded)`,
      };
    }
    const key = (pair[0] as string).trim();
    if (key === '') return { ok: false, problem: `"${entry}" has an empty key` };
    const k = decode(key, entry);
    if (typeof k !== 'string') return { ok: false, problem: k.problem };
    const v = decode((pair[1] as string).trim(), entry);
    if (typeof v !== 'string') return { ok: false, problem: v.problem };
    if (k.length > MAX_RESOURCE_ATTRIBUTE_LENGTH || v.length > MAX_RESOURCE_ATTRIBUTE_LENGTH) {
      return { ok: false, problem: `"${k}": keys and values are at most ${MAX_RESOURCE_ATTRIBUTE_LENGTH} characters` };
    }
    attributes.set(k, v);
  }
  return { ok: true, attributes };
}
