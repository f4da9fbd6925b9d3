import { RequestError } from './http-io.js';

/** Bounds on one JSON-RPC batch (an array body) on /mcp. */
export interface BatchLimits {
  /** Messages one batch may hold. */
  readonly maxBatchMessages: number;
  /** `tools/call` requests one batch may hold. */
  readonly maxBatchCalls: number;
}

/**
 * Refuses a JSON-RPC batch beyond its bounds before any of it runs: one request must not carry more work than a
 * user may run at once. A single message passes; a refusal is a 400 with a JSON-RPC error that says the limit.
 */
export function checkBatch(body: unknown, limits: BatchLimits): void {
  if (!Array.isArray(body)) return;
  if (body.length > limits.maxBatchMessages) {
    throw new RequestError(
      400,
      -32600,
      `Invalid Request: a batch of ${body.length} messages is more than the ${limits.maxBatchMessages} this server takes in one request. Nothing was run; send fewer messages per request.`,
    );
  }
  const calls = body.filter(
    (message: unknown) =>
      typeof message === 'object' &&
      message !== null &&
      (message as { method?: unknown }).method === 'tools/call',
  ).length;
  if (calls > limits.maxBatchCalls) {
    throw new RequestError(
      400,
      -32600,
      `Invalid Request: a batch with ${calls} tool calls is more than the ${limits.maxBatchCalls} this server takes in one request. Nothing was run; send fewer tool calls per request.`,
    );
  }
}
