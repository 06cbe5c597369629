import { stringify } from 'yaml';
import type { InputRecord } from '../core/input-record.ts';
import { parseUs, rfc3339Nano } from './timestamps.ts';

/**
 * Writes an input log in the Go kspan `--capture-to` format: multi-document YAML, each document preceded
 * by `# {"time":…,"style":"event"|"initial"|"watch","kind":…}` and separated by `---`. Ticks are dropped
 * (the capture format has none); objects are `watch` documents, re-listed events `initial`.
 */
export function toKspanCapture(records: Iterable<InputRecord>): string {
  const docs: string[] = [];
  for (const r of records) {
    if (r.type === 'tick') continue;
    const body = r.type === 'event' ? r.event : r.object;
    const style = r.type === 'object' ? 'watch' : r.watch === undefined ? 'initial' : 'event';
    const header = JSON.stringify({ time: rfc3339Nano(parseUs(r.at)), style, kind: body.kind ?? 'Unknown' });
    docs.push(`# ${header}\n${stringify(body, { lineWidth: 0 })}`);
  }
  return docs.join('---\n');
}
