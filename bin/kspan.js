#!/usr/bin/env node
// Entry point for `npx kspan` / a global install: runs the TypeScript CLI with Node's type stripping (Node ≥ 22.18).
await import('../cli/main.ts');
