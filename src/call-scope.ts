/**
 * What one tool call carries through every await below it, without threading it through each layer: the fields
 * every log line of the call gets (its request id and the caller as a keyed hash), and who wants to hear of each
 * Confluence request the call makes (progress notifications). A shared leaf, like log.ts.
 */

import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

export interface CallScope {
  /** Added to every log line written while the call runs. */
  readonly fields: Readonly<Record<string, unknown>>;
  /** Told of every Confluence request of the call that got an answer or failed. */
  readonly onUpstream?: ((route: string) => void) | undefined;
}

const storage = new AsyncLocalStorage<CallScope>();

/** Runs `fn` (and everything it awaits) inside `scope`. */
export function inCallScope<T>(scope: CallScope, fn: () => T): T {
  return storage.run(scope, fn);
}

/** The scope of the call running now, if any. */
export function currentCallScope(): CallScope | undefined {
  return storage.getStore();
}

/**
 * The request id the enclosing request was given, if any: the HTTP transport names one per request (and answers
 * with it) before MCP sees the request, and a tool call inside it must log under that id, not make another.
 */
export function scopedRequestId(): string | undefined {
  const id = storage.getStore()?.fields.requestId;
  return typeof id === 'string' ? id : undefined;
}

// Ids from other systems (gateways, load balancers, tracing) are short tokens: UUIDs, hex, base64url, dotted.
const SANE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:/+=-]{0,127}$/;

/**
 * The request id of a call: the incoming `x-request-id` when it is one plain token of at most 128 characters (so a
 * caller cannot forge log lines or flood them), else a new UUID.
 */
export function requestIdFrom(header: unknown): string {
  const value = Array.isArray(header) ? header[0] : header;
  return typeof value === 'string' && SANE_REQUEST_ID.test(value) ? value : randomUUID();
}
