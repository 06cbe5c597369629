// Start-up: Node strips the types of every .ts file it loads, each run (a WebAssembly parser, about a third of
// `kspan`'s start-up). This load hook keeps each file's stripped text in a cache keyed by its content, so a run
// only strips what changed since the last one; positions are kept (strip mode), so stack traces point at the
// .ts lines. Anything going wrong falls back to Node's own loading.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { enableCompileCache, registerHooks, stripTypeScriptTypes } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = new URL('../', import.meta.url).href;
const DIR = join(process.env.KSPAN_STRIP_CACHE ?? join(tmpdir(), 'kspan-strip-cache'), process.version);

function stripped(path) {
  const source = readFileSync(path, 'utf8');
  const file = join(DIR, `${createHash('md5').update(source).digest('hex')}.js`);
  try {
    return readFileSync(file, 'utf8');
  } catch {
    // Node calls this API experimental and warns once per process; the same stripping it does itself, quietly.
    const warn = process.emitWarning;
    process.emitWarning = () => undefined;
    let js;
    try {
      js = stripTypeScriptTypes(source, { mode: 'strip' });
    } finally {
      process.emitWarning = warn;
    }
    try {
      mkdirSync(DIR, { recursive: true });
      writeFileSync(`${file}.${process.pid}`, js);
      renameSync(`${file}.${process.pid}`, file);
    } catch {
      // A read-only or full disk: strip again next time.
    }
    return js;
  }
}

/** Installs the hook (and Node's compile cache for the stripped code) for kspan's own files. */
export function enableStripCache() {
  if (process.env.KSPAN_STRIP_CACHE === 'off') return;
  enableCompileCache();
  registerHooks({
    load(url, context, nextLoad) {
      if (!url.startsWith(ROOT) || !url.endsWith('.ts') || url.includes('/node_modules/'))
        return nextLoad(url, context);
      let source;
      try {
        source = stripped(fileURLToPath(url));
      } catch {
        return nextLoad(url, context);
      }
      return { format: context.format === 'commonjs-typescript' ? 'commonjs' : 'module', source, shortCircuit: true };
    },
  });
}
