#!/usr/bin/env node
// Entry point for `npx kspan` / a global install: runs the TypeScript CLI with Node's type stripping (Node ≥ 22.18),
// through the cache of stripped files (start-up without the WebAssembly stripper once the cache is warm).
import { unsupportedNode } from './node-version.js';

const why = unsupportedNode(process.versions.node);
if (why !== undefined) {
  // Before anything that needs the newer Node is loaded: one line, not a SyntaxError from an import.
  process.stderr.write(`kspan: ${why}; this is Node.js ${process.versions.node} (${process.execPath})\n`);
  process.exit(70);
}
const { enableStripCache } = await import('./strip-cache.js');
enableStripCache();
await import('../cli/main.ts');
