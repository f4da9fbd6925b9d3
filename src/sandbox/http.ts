import type { IncomingMessage, ServerResponse } from 'node:http';

/** An answer a route gives; the server writes it. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Sent as is with this content type instead of JSON. */
  raw?: { contentType: string; text: string };
}

/** A request failure in one of Confluence's error shapes. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

const codes: Record<number, string> = {
  400: 'INVALID_REQUEST_PARAMETER',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  410: 'GONE',
  413: 'REQUEST_ENTITY_TOO_LARGE',
};

/** A v2-style error: `{errors: [{status, code, title, detail}]}`. */
export function v2Error(status: number, title: string): HttpError {
  return new HttpError(status, { errors: [{ status, code: codes[status] ?? 'ERROR', title, detail: null }] });
}

/** A v1-style error: `{statusCode, data, message}`. */
export function v1Error(status: number, message: string): HttpError {
  return new HttpError(status, {
    statusCode: status,
    data: { authorized: status !== 403, valid: status !== 400, errors: [], successful: false },
    message,
  });
}

/** Reads a request body up to `limit` bytes; over it, a 413. */
export async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw v2Error(413, `Request entity too large (limit ${limit} bytes)`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw v2Error(413, `Request entity too large (limit ${limit} bytes)`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Parses a JSON body, or a 400 in Confluence's words. */
export function parseJson(text: string): unknown {
  if (!text.trim()) throw v2Error(400, 'A request body is required');
  try {
    return JSON.parse(text);
  } catch {
    throw v2Error(400, 'Unexpected character in request body: the body must be JSON');
  }
}

/** Writes a reply. */
export function send(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.raw) {
    headers['content-type'] = reply.raw.contentType;
    res.writeHead(reply.status, headers).end(reply.raw.text);
    return;
  }
  if (reply.body === undefined || reply.status === 204) {
    res.writeHead(reply.status, headers).end();
    return;
  }
  headers['content-type'] = 'application/json;charset=UTF-8';
  res.writeHead(reply.status, headers).end(JSON.stringify(reply.body));
}
