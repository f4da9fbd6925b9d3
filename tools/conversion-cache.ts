import { getHeapStatistics } from 'node:v8';
import { LRUCache } from 'lru-cache';
import type { Page } from '../src/confluence/index.js';

/**
 * Page bodies converted once per version, so a long page read in parts (`offset`) is not converted again for each
 * part. A version's body never changes, so a conversion is keyed by site, page id, version and form, and is only
 * ever served to a caller whose own fetch of that very page version has just returned (the metadata fetch happens
 * on every call): a caller who may not read the page gets Confluence's refusal before the cache is consulted.
 * Drafts change without a new version and are never cached. The Markdown names mentioned users as the first
 * reader's lookup found them: display names Confluence shows anyone who can read the page.
 *
 * Bounded by memory, not entries: one 2 MB page weighs as much as thousands of small ones. `lru-cache` keeps the
 * byte budget exactly (`maxSize` with a per-entry `sizeCalculation`, oversized entries never stored) and evicts in
 * O(1); a hand-written LRU would have to get the same size accounting and eviction right.
 */
export const CONVERSION_CACHE_BYTES = 64 * 1024 * 1024;

/**
 * The cache's budget under a heap of `heapLimitBytes`: 64 MiB, or an eighth of the heap when that is smaller. The
 * image caps old space at 128 MiB (Dockerfile), where a full 64 MiB cache would leave too little room for a few
 * large pages being converted at once and V8 would end the process.
 */
export function conversionCacheBytes(heapLimitBytes: number): number {
  return Math.min(CONVERSION_CACHE_BYTES, Math.floor(heapLimitBytes / 8));
}

const cache = new LRUCache<string, string>({
  maxSize: conversionCacheBytes(getHeapStatistics().heap_size_limit),
  // UTF-16 strings: two bytes a character, plus the key and the entry's bookkeeping.
  sizeCalculation: (value, key) => 2 * (value.length + key.length) + 100,
});

/** The byte budget the cache was given in this process. */
export function conversionCacheBudget(): number {
  return cache.maxSize;
}

const inFlight = new Map<string, Promise<string>>();

/** How many conversions ran and how many reads the cache answered, since the process started. */
export const conversionStats = { conversions: 0, hits: 0 };

/** The cache key of a page version's body in a form, or undefined when it must not be cached. */
export function conversionKey(page: Page, site: string | undefined, form: string): string | undefined {
  const version = page.version?.number;
  const base = page._links?.base ?? site;
  if (version === undefined || base === undefined || page.status === 'draft') return undefined;
  return JSON.stringify([base, page.id, version, form]);
}

/** The cached conversion under `key`, if there is one. */
export function cachedConversion(key: string | undefined): string | undefined {
  const found = key === undefined ? undefined : cache.get(key);
  if (found !== undefined) conversionStats.hits++;
  return found;
}

/** Runs `convert` (once for concurrent callers with the same key) and keeps its result under `key`. */
export async function convertOnce(key: string | undefined, convert: () => Promise<string>): Promise<string> {
  const running = key === undefined ? undefined : inFlight.get(key);
  if (running !== undefined) return running;
  const work = (async () => {
    conversionStats.conversions++;
    const text = await convert();
    if (key !== undefined) cache.set(key, text);
    return text;
  })();
  if (key === undefined) return work;
  inFlight.set(key, work);
  try {
    return await work;
  } finally {
    inFlight.delete(key);
  }
}
