import { open, writeFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { UserError } from '../common/user-error.ts';

/** Writes a command's output (`-O file`); a folder that is missing or read-only is a user mistake, in one line. */
export async function writeOutputFile(path: string, text: string): Promise<void> {
  try {
    await writeFile(path, text);
  } catch (err) {
    throw new UserError(
      `${path}: cannot write the output file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); the folder must exist and be writable`,
    );
  }
}

/** Opens a command's output file (`-O file`) for streaming; the same one-line mistake when it cannot be written. */
export async function openOutputFile(path: string): Promise<Writable> {
  try {
    return (await open(path, 'w')).createWriteStream();
  } catch (err) {
    throw new UserError(
      `${path}: cannot write the output file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); the folder must exist and be writable`,
    );
  }
}
