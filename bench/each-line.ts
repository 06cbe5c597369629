import { fileLineBatches } from '../input-log/file-line-batches.ts';

/**
 * The file's lines, read as `kspan replay` reads them (input-log/file-line-batches.ts: 1 MiB reads, each decoded in
 * pieces of whole lines that die young), for the bench's parse-only limit and core-only rate alike: the limit is
 * then the cheapest plain read, not one the replay beats by reading better.
 */
export async function eachLine(file: string, visit: (line: string) => void): Promise<void> {
  for await (const text of fileLineBatches(file)) for (const line of text.split('\n')) visit(line);
}
