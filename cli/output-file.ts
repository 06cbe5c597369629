import { writeFile } from 'node:fs/promises';
import { UserError } from './user-error.ts';

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
