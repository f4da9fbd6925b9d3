import type { IncomingMessage, ServerResponse } from 'node:http';

/** A request refused before MCP sees it: answered as a JSON-RPC error with this HTTP status and headers. */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Answers with a JSON-RPC error (no id: it is about the HTTP request, not one message). */
export function jsonRpcError(
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
  headers = {},
): void {
  if (res.headersSent) return void res.end();
  res
    .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers })
    .end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}

/** Answers with a JSON body that no cache keeps. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res
    .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
    .end(JSON.stringify(body));
}

/** The request's JSON body, at most `limit` bytes; a RequestError (415, 413, 400) says what is wrong with it. */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type))
    throw new RequestError(415, -32600, 'Content-Type must be application/json');
  if (Number(req.headers['content-length'] ?? 0) > limit) {
    throw new RequestError(413, -32600, `Request body larger than ${limit} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new RequestError(413, -32600, `Request body larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new RequestError(400, -32700, 'Parse error: the body is not JSON');
  }
}
