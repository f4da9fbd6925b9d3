// Loader hooks for trace-imports.mjs (they run on Node's loader thread).
import { appendFileSync } from 'node:fs';

export async function load(url, context, nextLoad) {
  const file = process.env.TRACE_IMPORTS_FILE;
  if (file) appendFileSync(file, `${url}\n`);
  return nextLoad(url, context);
}
