// `node --import ./test/support/trace-imports.mjs ...`: appends the URL of every module Node loads through its ESM
// loader (ES modules, and CommonJS packages at the import that reaches them) to the file $TRACE_IMPORTS_FILE, and a
// line `stdout write` each time the process writes to stdout, so a test can tell what had loaded by an answer.
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';

register(new URL('./trace-imports-hooks.mjs', import.meta.url));

const file = process.env.TRACE_IMPORTS_FILE;
if (file) {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (...args) => {
    appendFileSync(file, 'stdout write\n');
    return write(...args);
  };
}
