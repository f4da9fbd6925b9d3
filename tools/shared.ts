import { z } from 'zod';
import { DeadlineExceededError } from '../src/confluence/index.js';
import type { ToolContext } from './define.js';

/**
 * Whether the call has run out of its time (its deadline aborted it; a client's cancellation is not this): a tool
 * that makes request after request then answers with what it has and how to go on, instead of failing.
 */
export function outOfTime(ctx: Pick<ToolContext, 'signal'>): boolean {
  return ctx.signal.aborted && ctx.signal.reason instanceof DeadlineExceededError;
}

/**
 * An argument that takes an id, as `text` describes it, or the id as a JSON number: clients such as the MCP
 * Inspector send `page=65690` as one. A whole number from 0 to 2^53-1 (beyond that, JSON numbers lose digits)
 * becomes its decimal string, so handlers see strings only and judge them as before (`canonicalId`); negative,
 * fractional and unsafe numbers are refused by the schema. Every id argument of every tool is made with this.
 */
export function idInput(text: z.ZodString) {
  return z.union([text, z.int().min(0).transform(String)]);
}

/** `cursor` and `limit`, the same on every list tool. */
export const pagingInput = {
  cursor: z.string().min(1).max(2048).optional().describe('From next_cursor.'),
  limit: z.int().min(1).max(250).optional().describe('Default 25.'),
};

/** `next_cursor`, the same on every list tool; absent on the last page. */
export const pagingOutput = {
  next_cursor: z.string().optional().describe('cursor for the next page; absent on the last.'),
};

/** The page size to ask Confluence for: the caller's limit within the operator's bounds. */
export function pageSize(limit: number | undefined, ctx: ToolContext): number {
  return Math.min(limit ?? ctx.limits.defaultPageSize, ctx.limits.maxPageSize);
}

/** A version as tools report it. */
export const versionOutput = z.object({
  number: z.int(),
  created_at: z.string().optional(),
  author_id: z.string().optional(),
  message: z.string().optional(),
});

/** Drops undefined and empty-string fields so structured results stay compact. */
export function compact<T extends Record<string, unknown>>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (v !== undefined && v !== '') out[key] = v;
  return out as T;
}

/** A line for a list entry: fields joined, empty ones left out. */
export function line(...parts: (string | number | undefined | false)[]): string {
  return parts.filter((p) => p !== undefined && p !== false && p !== '').join(' · ');
}

/** The text that ends a list: how to get more, or that there is no more. */
export function moreText(nextCursor: string | undefined, count: number, noun: string): string {
  if (count === 0) return `No ${noun} found.`;
  return nextCursor ? `More ${noun} exist: call again with cursor "${nextCursor}".` : `End of ${noun}.`;
}
