#!/usr/bin/env node
import { enableStripCache } from '../bin/strip-cache.js';

// Before anything else is imported: the rest of the CLI loads through the cache of stripped TypeScript.
enableStripCache();
const { runCli } = await import('./program.ts');
process.exitCode = await runCli(process.argv);
