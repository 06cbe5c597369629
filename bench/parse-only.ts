import { closeSync, openSync, readSync } from 'node:fs';

/**
 * The physical limit a replay is compared with: read the file, split it, parse every record with the
 * platform's parser, and nothing else. `node bench/parse-only.ts FILE ndjson|capture` prints one JSON line.
 * For a capture the parser is the `yaml` package (a general YAML parser), one document at a time.
 */
const [path, format] = process.argv.slice(2) as [string, string];

function* chunks(file: string): Generator<string> {
  const fd = openSync(file, 'r');
  const buf = Buffer.alloc(1 << 20);
  try {
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) yield buf.toString('utf8', 0, n);
  } finally {
    closeSync(fd);
  }
}

function* lines(file: string): Generator<string> {
  let rest = '';
  for (const chunk of chunks(file)) {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    yield* parts;
  }
  if (rest !== '') yield rest;
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
  for (const line of lines(path)) {
    if (line === '---') flush();
    else doc.push(line);
  }
  flush();
} else {
  for (const line of lines(path)) {
    if (line === '') continue;
    const r = JSON.parse(line) as { type?: string };
    records++;
    if (r.type === 'event') events++;
  }
}
const seconds = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ records, events, seconds })}\n`);
