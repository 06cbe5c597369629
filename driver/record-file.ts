import fs from 'node:fs';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { constants, createGzip } from 'node:zlib';
import type { Logger } from './logger.ts';

/** How often a gzip-compressed recording is flushed to whole blocks, so that a crash loses at most this much. */
export const RECORD_GZIP_FLUSH_MS = 1000;

/** The `--record` file: what the driver writes records to, and how to end it. */
export interface RecordFile {
  readonly stream: Writable;
  /** Ends the file and waits until it is written. */
  close(): Promise<void>;
}

/**
 * Opens the `--record` file for writing, readable by its owner only (0600, also when it existed with a wider
 * mode): it holds object metadata from the cluster. Throws a one-line error when it cannot be created. A name
 * ending in `.gz` is written gzip-compressed, flushed every `flushMs` (RECORD_GZIP_FLUSH_MS): a process killed
 * leaves a file whose whole blocks replay (`kspan replay` reads up to the cut, then says so).
 */
export function openRecordFile(file: string, logger: Logger, flushMs = RECORD_GZIP_FLUSH_MS): RecordFile {
  let fd: number;
  try {
    fd = fs.openSync(file, 'w', 0o600);
    fs.fchmodSync(fd, 0o600);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new Error(`--record: cannot create ${file} (${code}); pick a writable path`, { cause: err });
  }
  const out = fs.createWriteStream(file, { fd });
  out.on('error', (err) => logger.error('cannot write the --record file', { file, error: err.message }));
  if (!file.endsWith('.gz')) {
    return {
      stream: out,
      close: async () => {
        out.end();
        await finished(out).catch(() => {});
      },
    };
  }
  const gzip = createGzip();
  gzip.on('error', (err) => logger.error('cannot compress the --record file', { file, error: err.message }));
  gzip.pipe(out);
  // Only when records came since the last flush: an idle cluster's recording does not grow by empty blocks.
  let flushedAt = 0;
  const timer = setInterval(() => {
    if (gzip.bytesWritten === flushedAt) return;
    flushedAt = gzip.bytesWritten;
    gzip.flush(constants.Z_SYNC_FLUSH);
  }, flushMs);
  timer.unref();
  return {
    stream: gzip,
    close: async () => {
      clearInterval(timer);
      gzip.end();
      await finished(out).catch(() => {});
    },
  };
}
