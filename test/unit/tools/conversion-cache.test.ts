import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CONVERSION_CACHE_BYTES, conversionCacheBytes } from '../../../tools/conversion-cache.js';

const MiB = 1024 * 1024;

/** The cache budget a fresh process gets when started with these V8 flags. */
function budgetUnder(...flags: string[]): number {
  const script =
    "import('./tools/conversion-cache.ts').then((m) => process.stdout.write(String(m.conversionCacheBudget())))";
  const out = execFileSync(
    process.execPath,
    ['--import', './test/support/ts-register.mjs', ...flags, '--input-type=module', '-e', script],
    { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } },
  );
  return Number(out);
}

describe('the converted-page cache', () => {
  it('takes 64 MiB of a large heap and an eighth of a small one', () => {
    expect(conversionCacheBytes(4096 * MiB)).toBe(CONVERSION_CACHE_BYTES);
    expect(conversionCacheBytes(512 * MiB)).toBe(64 * MiB);
    expect(conversionCacheBytes(140 * MiB)).toBe(Math.floor((140 * MiB) / 8));
  });

  it('leaves room in the heap the image runs with: an old space of 128 MiB gives the cache at most 18 MiB', () => {
    const small = budgetUnder('--max-old-space-size=128', '--max-semi-space-size=4');
    expect(small).toBeGreaterThan(10 * MiB);
    expect(small).toBeLessThanOrEqual(18 * MiB);
    expect(budgetUnder('--max-old-space-size=2048')).toBe(CONVERSION_CACHE_BYTES);
  });
});
