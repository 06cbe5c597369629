/** Installs the cache of stripped TypeScript for kspan's own files (see strip-cache.js); call before importing them. */
export function enableStripCache(): void;
