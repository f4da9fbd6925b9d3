// `node --import ./test/support/trace-imports.mjs ...`: appends the URL of every module Node loads through its ESM
// loader (ES modules, and CommonJS packages at the import that reaches them) to the file $TRACE_IMPORTS_FILE.
import { register } from 'node:module';

register(new URL('./trace-imports-hooks.mjs', import.meta.url));
