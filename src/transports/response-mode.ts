/*
 * Whether an MCP POST is answered with a JSON body or an SSE stream. Streamable HTTP lets the server choose for
 * every POST (the client must accept both, so its Accept header says nothing about which it prefers). A stream
 * is only needed to send notifications before the answer: progress, sent only to a request that asked for it with
 * `_meta.progressToken`, and the tool-list change a few tools announce (the server factory names them). Everything else is answered as plain
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

// A call of a tool that sends notifications before its answer (enabling a toolset announces the new tool list).
function callsNotifyingTool(message: unknown, notifying: ReadonlySet<string>): boolean {
  if (notifying.size === 0 || typeof message !== 'object' || message === null) return false;
  const { method, params } = message as { method?: unknown; params?: { name?: unknown } };
  return method === 'tools/call' && typeof params?.name === 'string' && notifying.has(params.name);
}

/**
 * Whether a POST body (one JSON-RPC message or a batch) needs an SSE stream: some request asked for progress, or
 * calls one of the `notifying` tools.
 */
export function needsStream(body: unknown, notifying: ReadonlySet<string> = new Set()): boolean {
  const needs = (m: unknown) => asksForProgress(m) || callsNotifyingTool(m, notifying);
  return Array.isArray(body) ? body.some(needs) : needs(body);
}

/**
 * The names of the tools a POST body calls, when every message in it is a `tools/call` naming one; undefined when
 * it asks anything else (initialize, tools/list, ...), which needs the whole server.
 */
export function toolsCalledIn(body: unknown): ReadonlySet<string> | undefined {
  const names = new Set<string>();
  for (const message of Array.isArray(body) ? body : [body]) {
    if (typeof message !== 'object' || message === null) return undefined;
    const { method, params } = message as { method?: unknown; params?: { name?: unknown } };
    if (method !== 'tools/call' || typeof params?.name !== 'string') return undefined;
    names.add(params.name);
  }
  return names.size > 0 ? names : undefined;
}
