import { fileLineBatches } from '../input-log/file-line-batches.ts';

/**
 * The physical limit a replay is compared with: read the file, split it, parse every record with the
 * platform's parser, and nothing else. `node bench/parse-only.ts FILE ndjson|capture` prints one JSON line.
 * For a capture the parser is the `yaml` package (a general YAML parser), one document at a time.
 */
const [path, format] = process.argv.slice(2) as [string, string];

/**
 * The file's lines, read as `kspan replay` reads them (input-log/file-line-batches.ts: 1 MiB reads, each decoded in
 * pieces of whole lines that die young), so that the limit is the cheapest plain read, not one the replay beats by
 * reading better.
 */
async function eachLine(file: string, visit: (line: string) => void): Promise<void> {
  for await (const text of fileLineBatches(file)) for (const line of text.split('\n')) visit(line);
}

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
