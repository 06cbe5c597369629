import fs from 'node:fs';
import type { Logger } from './logger.ts';

/**
 * Opens the `--record` file for writing, readable by its owner only (0600, also when it existed with a wider
 * mode): it holds object metadata from the cluster. Throws a one-line error when it cannot be created.
 */
export function openRecordFile(file: string, logger: Logger): fs.WriteStream {
  let fd: number;
  try {
    fd = fs.openSync(file, 'w', 0o600);
    fs.fchmodSync(fd, 0o600);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new Error(`--record: cannot create ${file} (${code}); pick a writable path`, { cause: err });
  }
  const stream = fs.createWriteStream(file, { fd });
  stream.on('error', (err) => logger.error('cannot write the --record file', { file, error: err.message }));
  return stream;
}
