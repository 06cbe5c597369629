#!/usr/bin/env node
// Entry point for `npx kspan` / a global install: runs the TypeScript CLI with Node's type stripping (Node ≥ 22.18),
// through the cache of stripped files (start-up without the WebAssembly stripper once the cache is warm).
import { enableStripCache } from './strip-cache.js';

enableStripCache();
await import('../cli/main.ts');
