import { stringify } from 'yaml';
import type { InputRecord } from '../core/index.ts';
import { toCoreV1Event } from './core-v1-event.ts';

/** RFC 3339 with nanoseconds, as Go's time.Time marshals: the header's `time`. */
function goTime(at: string): string {
  const m = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(at);
  if (m === null) return at;
  const fraction = (m[2] ?? '').replace(/0+$/, '');
  return `${m[1]}${fraction === '' ? '' : `.${fraction}`}${m[3]}`;
}

/**
 * One capture document, as the Go kspan's `--capture-to` writes and its playback reads them
 * (controllers/events/playback.go): `---`, a `# {"time","style","kind"}` line, the object as YAML.
 * Playback knows two styles: `event` (decoded as a core/v1 Event) and `initial` (objects, loaded before
 * the events); so every object is `initial`, and a deletion is marked with `"deleted":true` in the header,
 * a field Go's decoder ignores and kspan's reader honours. A watch type rides along the same way.
 */
/**
 * As Go writes YAML (through JSON: sigs.k8s.io/yaml): an object met twice is written twice, never as an alias; a
 * sequence at its key's indentation; a long string folded onto more lines near column 80 (go-yaml breaks at the
 * first space past it: an Event's long message spans two or three lines), one with line breaks as a `|` block,
 * never a folded `>` one.
 */
const YAML_OPTIONS = { lineWidth: 80, blockQuote: 'literal', indentSeq: false, aliasDuplicateObjects: false } as const;

export function captureDocument(record: Exclude<InputRecord, { type: 'tick' }>): string {
  if (record.type === 'event') {
    const header = {
      time: goTime(record.at),
      style: 'event',
      kind: 'Event',
      ...(record.watch !== undefined ? { watch: record.watch } : {}),
    };
    return `---\n# ${JSON.stringify(header)}\n${stringify(toCoreV1Event(record.event), YAML_OPTIONS)}`;
  }
  const header = {
    time: goTime(record.at),
    style: 'initial',
    kind: record.object.kind ?? 'Unknown',
    ...(record.deleted === true ? { deleted: true } : {}),
  };
  return `---\n# ${JSON.stringify(header)}\n${stringify(record.object, YAML_OPTIONS)}`;
}

/** An input log as a capture file the Go kspan's playback reads (ticks dropped: the format has none). */
export function toKspanCapture(records: Iterable<InputRecord>): string {
  let out = '';
  for (const r of records) if (r.type !== 'tick') out += captureDocument(r);
  return out;
}
