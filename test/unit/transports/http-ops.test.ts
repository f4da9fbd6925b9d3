import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Drain, type OpsServing, refuseWhileDraining, serveOps } from '../../../src/transports/http-ops.js';

/** A response that records what was written, and can be closed as a finished answer closes. */
function response() {
  const sent: { status?: number; headers?: Record<string, string>; body?: string; ended: boolean } = {
    ended: false,
  };
  const res = Object.assign(new EventEmitter(), {
    headersSent: false,
    shouldKeepAlive: true,
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
  });
  return { res: res as unknown as ServerResponse & EventEmitter, sent, close: () => res.emit('close') };
}

const request = (method: string, authorization?: string) =>
  ({ method, headers: authorization === undefined ? {} : { authorization } }) as IncomingMessage;

afterEach(() => {
  vi.useRealTimers();
});

describe('draining', () => {
  it('counts answers until they close, and finishes at once with none in flight', async () => {
    const drain = new Drain();
    const a = response();
    const b = response();
    drain.track(a.res);
    drain.track(b.res);
    expect(drain.inFlight).toBe(2);
    a.close();
    expect(drain.inFlight).toBe(1);
    b.close();
    expect(drain.inFlight).toBe(0);
    expect(drain.draining).toBe(false);
    expect(await drain.drain(1000)).toBe(true);
    expect(drain.draining).toBe(true);
  });

  it('waits for the last answer in flight, not the first', async () => {
    const drain = new Drain();
    const a = response();
    const b = response();
    drain.track(a.res);
    drain.track(b.res);
    let finished: boolean | undefined;
    const draining = drain.drain(60_000).then((value) => {
      finished = value;
    });
    a.close();
    // Past every microtask the first close could have resolved the drain through.
    await new Promise((resolve) => setImmediate(resolve));
    expect(finished).toBeUndefined();
    b.close();
    await draining;
    expect(finished).toBe(true);
  });

  it('gives up after the grace period with answers still in flight, and says so', async () => {
    vi.useFakeTimers();
    const drain = new Drain();
    drain.track(response().res);
    const draining = drain.drain(5000);
    await vi.advanceTimersByTimeAsync(4999);
    let finished: boolean | undefined;
    void draining.then((value) => {
      finished = value;
    });
    await Promise.resolve();
    expect(finished).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(await draining).toBe(false);
    expect(drain.inFlight).toBe(1);
  });

  it('tells a request arriving while draining to retry elsewhere, on a new connection', () => {
    const { res, sent } = response();
    refuseWhileDraining(res);
    expect(res.shouldKeepAlive).toBe(false);
    expect(sent.status).toBe(503);
    expect(sent.headers).toMatchObject({ connection: 'close', 'retry-after': '1' });
    expect(JSON.parse(sent.body ?? '').error).toEqual({
      code: -32000,
      message: 'This instance is shutting down; retry on another',
    });
  });
});

describe('the operator’s endpoints', () => {
  const ops = (ready: boolean): OpsServing => ({
    ready: async () => ready,
    metrics: { render: async () => ({ contentType: 'text/plain; version=0.0.4', body: 'calls_total 3\n' }) },
  });
  const token = 'metrics-token-0123456789';

  it('is ready while the token store answers and the server is not draining', async () => {
    const drain = new Drain();
    const ready = response();
    await serveOps(request('GET'), ready.res, '/readyz', ops(true), drain, undefined);
    expect([ready.sent.status, JSON.parse(ready.sent.body ?? '')]).toEqual([200, { status: 'ready' }]);
    const storeDown = response();
    await serveOps(request('GET'), storeDown.res, '/readyz', ops(false), drain, undefined);
    expect([storeDown.sent.status, JSON.parse(storeDown.sent.body ?? '')]).toEqual([
      503,
      { status: 'unready', tokenStore: 'down' },
    ]);
    const noOps = response();
    await serveOps(request('GET'), noOps.res, '/readyz', undefined, drain, undefined);
    expect(noOps.sent.status).toBe(200);
    await drain.drain(0);
    const draining = response();
    await serveOps(request('GET'), draining.res, '/readyz', ops(true), drain, undefined);
    expect([draining.sent.status, JSON.parse(draining.sent.body ?? '')]).toEqual([
      503,
      { status: 'draining' },
    ]);
  });

  it('keeps metrics off (404) without a token configured', async () => {
    for (const [given, serving] of [
      [undefined, ops(true)],
      [token, undefined],
    ] as const) {
      const { res, sent } = response();
      await serveOps(request('GET', `Bearer ${token}`), res, '/metrics', serving, new Drain(), given);
      expect(sent.status).toBe(404);
      expect(sent.body).toMatch(/Metrics are off: set CONFLUENCE_MCP_METRICS_TOKEN/);
    }
  });

  it('serves metrics only for the configured bearer token', async () => {
    for (const header of [
      undefined,
      '',
      `Basic ${token}`,
      `xBearer ${token}`,
      `Basic Bearer ${token}`,
      `Bearer ${token}x`,
      `Bearer ${token.slice(1)}`,
      'Bearer ',
    ]) {
      const { res, sent } = response();
      await serveOps(request('GET', header), res, '/metrics', ops(true), new Drain(), token);
      expect(sent.status, String(header)).toBe(401);
      expect(sent.headers).toEqual({
        'www-authenticate': 'Bearer realm="metrics"',
        'content-type': 'application/json',
      });
      expect(JSON.parse(sent.body ?? '')).toEqual({
        error: 'Metrics need the bearer token in CONFLUENCE_MCP_METRICS_TOKEN.',
      });
    }
    const { res, sent } = response();
    await serveOps(request('GET', `bearer ${token}`), res, '/metrics', ops(true), new Drain(), token);
    expect(sent.status).toBe(200);
    expect(sent.headers).toEqual({
      'content-type': 'text/plain; version=0.0.4',
      'cache-control': 'no-store',
    });
    expect(sent.body).toBe('calls_total 3\n');
  });

  it('answers HEAD /metrics with the headers and no body', async () => {
    const { res, sent } = response();
    await serveOps(request('HEAD', `Bearer ${token}`), res, '/metrics', ops(true), new Drain(), token);
    expect(sent.status).toBe(200);
    expect([sent.ended, sent.body]).toEqual([true, undefined]);
  });
});
