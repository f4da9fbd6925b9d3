/*
 * Whether an MCP POST is answered with a JSON body or an SSE stream. Streamable HTTP lets the server choose for
 * every POST (the client must accept both, so its Accept header says nothing about which it prefers). A stream
 * is only needed to send notifications before the answer: the tools here send none but progress, and progress is
 * sent only to a request that asked for it with `_meta.progressToken`. Everything else is answered as plain
 * JSON, which skips the SDK's SSE framing and stream plumbing.
 */

function asksForProgress(message: unknown): boolean {
  if (typeof message !== 'object' || message === null) return false;
  const params = (message as { params?: unknown }).params;
  if (typeof params !== 'object' || params === null) return false;
  const meta = (params as { _meta?: unknown })._meta;
  if (typeof meta !== 'object' || meta === null) return false;
  const token = (meta as { progressToken?: unknown }).progressToken;
  return typeof token === 'string' || typeof token === 'number';
}

/** Whether a POST body (one JSON-RPC message or a batch) needs an SSE stream: some request asked for progress. */
export function needsStream(body: unknown): boolean {
  return Array.isArray(body) ? body.some(asksForProgress) : asksForProgress(body);
}
