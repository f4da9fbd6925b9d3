// The bin as one bundle (npm run build runs this after tsc): starting from a few files instead of some 350 modules
// cuts the stdio start-up (npm run bench, section startup). What loads on demand (the OAuth parts, store backends,
// the HTTP transport, the sandbox) is split into chunks loaded by the same dynamic imports, so it still loads only
// when used. The rest of dist/ stays as tsc wrote it, for the tests and the bench.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const outdir = new URL('../dist/bin/', import.meta.url).pathname;
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [new URL('../dist/src/cli.js', import.meta.url).pathname],
  outdir,
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  // CommonJS dependencies bundled into ES modules reach Node's built-ins through require.
  banner: {
    js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
