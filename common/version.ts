import { readFileSync } from 'node:fs';

/** kspan's version, read from package.json: the one place it is written down. */
export const KSPAN_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
