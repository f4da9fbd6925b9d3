// The bin as one bundle (npm run build runs this after tsc): starting from a few files instead of some 350 modules
// cuts the stdio start-up (npm run bench, section startup). What loads on demand (the OAuth parts, store backends,
// the HTTP transport, the sandbox) is split into chunks loaded by the same dynamic imports, so it still loads only
// when used; the conversion worker is bundled too. The rest of dist/ stays as tsc wrote it, for the tests and the bench.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const outdir = new URL('../dist/bin/', import.meta.url).pathname;
rmSync(outdir, { recursive: true, force: true });
await build({
  // The conversion worker is an entry of its own: the pool starts it as ./worker.js beside the module holding the
  // pool's code, so every chunk is written to the same folder as both entries.
  entryPoints: [
    new URL('../dist/src/cli.js', import.meta.url).pathname,
    new URL('../dist/src/content/convert/worker.js', import.meta.url).pathname,
  ],
  outdir,
  entryNames: '[name]',
  chunkNames: '[name]-[hash]',
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

// The build's identity, a hash of every file written: the stdio front keys the answers it keeps on it
// (src/start/fingerprint.ts), so answers kept by one build are never given by another.
const hash = createHash('sha256');
for (const name of readdirSync(outdir).sort()) {
  hash.update(`${name}\n`);
  hash.update(readFileSync(join(outdir, name)));
}
writeFileSync(join(outdir, 'build-id'), `${hash.digest('hex')}\n`);
