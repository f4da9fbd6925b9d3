import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { InsufficientCallerScopeError } from '../../../src/auth/caller/index.js';
import {
  CallerKeysUnavailableError,
  type CallerVerifier,
  InvalidCallerTokenError,
  type VerifiedCaller,
} from '../../../src/auth/index.js';
import { authenticate } from '../../../src/transports/http-auth.js';
import { checkBatch } from '../../../src/transports/http-batch.js';
import { BodyBudget } from '../../../src/transports/http-budget.js';
import { jsonRpcError, RequestError, readJsonBody, sendJson } from '../../../src/transports/http-io.js';

/** A request with these headers whose body arrives in `chunks` (as a chunked upload does: no length up front). */
function request(
  headers: Record<string, string>,
  chunks: string[] = [],
): IncomingMessage & { bytesRead: number } {
  let read = 0;
  const body = Readable.from(
    (function* () {
      for (const chunk of chunks) {
        read += chunk.length;
        yield Buffer.from(chunk);
      }
    })(),
  );
  Object.defineProperty(body, 'bytesRead', { get: () => read });
  return Object.assign(body, { headers }) as unknown as IncomingMessage & { bytesRead: number };
}

async function refusal(promise: Promise<unknown>): Promise<RequestError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RequestError);
  return error as RequestError;
}

const json = { 'content-type': 'application/json' };

describe('reading a JSON request body', () => {
  it('reads JSON sent as application/json, with or without a charset, in any case', async () => {
    expect(await readJsonBody(request(json, ['{"a":', '1}']), 100)).toEqual({ a: 1 });
    const typed = { 'content-type': 'Application/JSON; charset=utf-8' };
    expect(await readJsonBody(request(typed, ['[1,2]']), 100)).toEqual([1, 2]);
  });

  it('refuses another content type with 415 before reading the body', async () => {
    for (const type of ['text/plain', 'application/jsonp', 'application/x-www-form-urlencoded', '']) {
      const req = request(type ? { 'content-type': type } : {}, ['{}']);
      const error = await refusal(readJsonBody(req, 100));
      expect([error.status, error.code, req.bytesRead]).toEqual([415, -32600, 0]);
      expect(error.message).toMatch(/Content-Type must be application\/json/);
    }
  });

  it('refuses a declared length over the cap with 413 before reading a byte', async () => {
    const req = request({ ...json, 'content-length': '101' }, ['x'.repeat(101)]);
    const error = await refusal(readJsonBody(req, 100));
    expect([error.status, error.code, req.bytesRead]).toEqual([413, -32600, 0]);
    expect(error.message).toBe('Request body larger than 100 bytes');
  });

  it('refuses a chunked body over the cap with 413 as soon as it passes the cap, not after reading it whole', async () => {
    const req = request(json, ['[', '1,'.repeat(30), '1,'.repeat(30), '1,'.repeat(1000), '1]']);
    const error = await refusal(readJsonBody(req, 100));
    expect(error.status).toBe(413);
    // The third chunk takes it past 100 bytes; the fourth, 2,000 bytes more, is never read.
    expect(req.bytesRead).toBe(121);
  });

  it('takes a body of exactly the cap, and a declared length at the cap', async () => {
    const body = `"${'x'.repeat(98)}"`;
    expect(await readJsonBody(request({ ...json, 'content-length': '100' }, [body]), 100)).toBe(
      'x'.repeat(98),
    );
  });

  it('refuses what is not JSON with a JSON-RPC parse error', async () => {
    const error = await refusal(readJsonBody(request(json, ['{"a":']), 100));
    expect([error.status, error.code]).toEqual([400, -32700]);
  });
});

/** A response that records what was written to it. */
function response(headersSent = false) {
  const sent: { status?: number; headers?: Record<string, string>; body?: string; ended: boolean } = {
    ended: false,
  };
  const res = {
    headersSent,
    writeHead(status: number, headers: Record<string, string>) {
      sent.status = status;
      sent.headers = headers;
      return res;
    },
    end(body?: string) {
      sent.body = body;
      sent.ended = true;
      return res;
    },
  };
  return { res: res as unknown as ServerResponse, sent };
}

describe('answering outside MCP', () => {
  it('answers a JSON-RPC error about the request (id null), uncached, with extra headers', () => {
    const { res, sent } = response();
    jsonRpcError(res, 503, -32000, 'busy', { 'retry-after': '1' });
    expect(sent.status).toBe(503);
    expect(sent.headers).toEqual({
      'content-type': 'application/json',
      'cache-control': 'no-store',
      'retry-after': '1',
    });
    expect(JSON.parse(sent.body ?? '')).toEqual({
      jsonrpc: '2.0',
      error: { code: -32000, message: 'busy' },
      id: null,
    });
  });

  it('only ends a response whose headers are already sent', () => {
    const { res, sent } = response(true);
    jsonRpcError(res, 500, -32603, 'late');
    expect(sent).toEqual({ ended: true, body: undefined });
  });

  it('sends JSON that no cache keeps', () => {
    const { res, sent } = response();
    sendJson(res, 200, { ok: true });
    expect(sent.status).toBe(200);
    expect(sent.headers).toEqual({ 'content-type': 'application/json', 'cache-control': 'no-store' });
    expect(sent.body).toBe('{"ok":true}');
  });
});

describe('the bodies held at once', () => {
  const sized = (length?: string) =>
    request(length === undefined ? json : { ...json, 'content-length': length });

  it('reserves each request’s declared size, capped at the body limit, and gives it back once', () => {
    const budget = new BodyBudget(1000);
    const a = budget.reserve(sized('300'), 500);
    const b = budget.reserve(sized('900'), 500);
    expect(budget.held).toBe(800);
    a();
    a();
    expect(budget.held).toBe(500);
    b();
    expect(budget.held).toBe(0);
  });

  it('reserves the body limit for a request that declares no usable size', () => {
    const budget = new BodyBudget(10_000);
    for (const length of [undefined, 'abc', '-5']) {
      const release = budget.reserve(sized(length), 700);
      expect(budget.held, String(length)).toBe(700);
      release();
    }
    const zero = budget.reserve(sized('0'), 700);
    expect(budget.held).toBe(0);
    zero();
  });

  it('answers 503 with Retry-After past the bound, holding nothing for the refused request', () => {
    const budget = new BodyBudget(1000);
    budget.reserve(sized('600'), 1000);
    expect(() => budget.reserve(sized('400'), 1000)).not.toThrow();
    let error: unknown;
    try {
      budget.reserve(sized('1'), 1000);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RequestError);
    expect(error).toMatchObject({ status: 503, code: -32000, headers: { 'retry-after': '1' } });
    expect((error as Error).message).toMatch(/Nothing was run; retry in a second/);
    expect(budget.held).toBe(1000);
  });

  it('always lets one request in, however large, when nothing else is held', () => {
    const budget = new BodyBudget(100);
    const release = budget.reserve(sized('5000'), 10_000);
    expect(budget.held).toBe(5000);
    expect(() => budget.reserve(sized('1'), 10_000)).toThrow(RequestError);
    release();
    expect(() => budget.reserve(sized('1'), 10_000)).not.toThrow();
  });
});

describe('JSON-RPC batches', () => {
  const limits = { maxBatchMessages: 3, maxBatchCalls: 2 };
  const call = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x' } };
  const list = { jsonrpc: '2.0', id: 2, method: 'tools/list' };

  it('lets one message, and batches within both bounds, through', () => {
    expect(() => checkBatch(call, limits)).not.toThrow();
    expect(() => checkBatch([call, call, list], limits)).not.toThrow();
  });

  it('refuses a batch of more messages than the bound, saying the bound', () => {
    expect(() => checkBatch([list, list, list, list], limits)).toThrow(
      /a batch of 4 messages is more than the 3 this server takes in one request/,
    );
  });

  it('refuses a batch with more tool calls than the bound, counting only tools/call requests', () => {
    let error: unknown;
    try {
      checkBatch([call, call, call], limits);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ status: 400, code: -32600 });
    expect((error as Error).message).toMatch(/a batch with 3 tool calls is more than the 2/);
    expect(() => checkBatch([call, null, 'tools/call'], limits)).not.toThrow();
    expect(() => checkBatch([call, { method: 'tools/list' }, call], limits)).not.toThrow();
  });
});

describe('authenticating a caller', () => {
  const verified: VerifiedCaller = {
    userKey: '["https://idp.example","u1"]',
    issuer: 'https://idp.example',
    subject: 'u1',
    expiresAt: 2_000_000_000,
    scopes: ['mcp'],
    claims: {},
    emailVerified: false,
  };
  const auth = (verify: CallerVerifier['verify']) => ({
    verifier: { verify },
    resource: 'https://mcp.example/mcp',
    issuer: 'https://idp.example',
  });
  const metadata = 'https://mcp.example/.well-known/oauth-protected-resource';
  const withHeader = (authorization?: string) =>
    request(authorization === undefined ? {} : { authorization }) as IncomingMessage;

  it('hands the verified caller, token, client and audience on', async () => {
    const seen: string[] = [];
    const info = await authenticate(
      withHeader('bearer  tok.en-1'),
      auth(async (token) => {
        seen.push(token);
        return { ...verified, clientId: 'gateway' };
      }),
      metadata,
    );
    expect(seen).toEqual(['tok.en-1']);
    expect(info).toMatchObject({
      token: 'tok.en-1',
      clientId: 'gateway',
      scopes: ['mcp'],
      expiresAt: 2_000_000_000,
      extra: { caller: { userKey: verified.userKey, subject: 'u1' } },
    });
    expect(info.resource?.href).toBe('https://mcp.example/mcp');
    const noClient = await authenticate(
      withHeader('Bearer t'),
      auth(async () => verified),
      metadata,
    );
    expect(noClient.clientId).toBe('u1');
  });

  it('asks for a token, pointing at the resource metadata, when none or a malformed one is sent', async () => {
    for (const header of [undefined, '', 'Basic dXNlcg==', 'Bearer', 'Bearer a b']) {
      const error = await refusal(
        authenticate(
          withHeader(header),
          auth(async () => verified),
          metadata,
        ),
      );
      expect([error.status, error.code], String(header)).toEqual([401, -32001]);
      expect(error.headers['www-authenticate']).toBe(`Bearer resource_metadata="${metadata}"`);
    }
  });

  it('answers 401 for a bad token and 403 for a missing scope, with the RFC 6750 error', async () => {
    const bad = await refusal(
      authenticate(
        withHeader('Bearer t'),
        auth(async () => {
          throw new InvalidCallerTokenError('token expired');
        }),
        metadata,
      ),
    );
    expect(bad.status).toBe(401);
    expect(bad.message).toBe('Invalid token: token expired');
    expect(bad.headers['www-authenticate']).toMatch(
      /^Bearer error="invalid_token", error_description="token expired"/,
    );
    const scope = await refusal(
      authenticate(
        withHeader('Bearer t'),
        auth(async () => {
          throw new InsufficientCallerScopeError(['mcp']);
        }),
        metadata,
      ),
    );
    expect(scope.status).toBe(403);
    expect(scope.headers['www-authenticate']).toMatch(/error="insufficient_scope"/);
  });

  it('answers 503 when the identity provider’s keys are out of reach, and lets other failures through', async () => {
    const down = await refusal(
      authenticate(
        withHeader('Bearer t'),
        auth(async () => {
          throw new CallerKeysUnavailableError('jwks fetch failed');
        }),
        metadata,
      ),
    );
    expect([down.status, down.message]).toEqual([
      503,
      "The caller's identity provider cannot be reached; retry shortly",
    ]);
    const bug = new TypeError('bug');
    await expect(
      authenticate(
        withHeader('Bearer t'),
        auth(async () => {
          throw bug;
        }),
        metadata,
      ),
    ).rejects.toBe(bug);
  });
});
