import { eachLine } from './each-line.ts';

/**
 * The physical limit a replay is compared with: read the file, split it, parse every record with the
 * platform's parser, and nothing else. `node bench/parse-only.ts FILE ndjson|capture` prints one JSON line.
 * For a capture the parser is the `yaml` package (a general YAML parser), one document at a time.
 */
const [path, format] = process.argv.slice(2) as [string, string];

const started = performance.now();
let records = 0;
let events = 0;
if (format === 'capture') {
  const { parse } = await import('yaml');
  let doc: string[] = [];
  const flush = (): void => {
    if (doc.length === 0) return;
    const value = parse(doc.join('\n')) as { kind?: string } | null;
    doc = [];
    if (value === null) return;
    records++;
    if (value.kind === 'Event') events++;
  };
  await eachLine(path, (line) => {
    if (line === '---') flush();
    else doc.push(line);
  });
  flush();
} else {
  await eachLine(path, (line) => {
    if (line === '') return;
    const r = JSON.parse(line) as { type?: string };
    records++;
    if (r.type === 'event') events++;
  });
}
const seconds = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ records, events, seconds })}\n`);
