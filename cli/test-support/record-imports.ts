// Preloaded with `node --import` by start-up tests: appends every module URL the process resolves to
// $KSPAN_IMPORTS_LOG, so a test can say which packages a command loads.
import { appendFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const log = process.env.KSPAN_IMPORTS_LOG;
if (log !== undefined) {
  registerHooks({
    resolve(specifier, context, next) {
      const resolved = next(specifier, context);
      appendFileSync(log, `${resolved.url}\n`);
      return resolved;
    },
  });
}
