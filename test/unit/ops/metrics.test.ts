import { describe, expect, it } from 'vitest';
import { inCallScope } from '../../../src/call-scope.js';
import { createLogger } from '../../../src/log.js';
import { OpsMetrics } from '../../../src/ops/metrics.js';
import { storeReadiness } from '../../../src/ops/readiness.js';

async function value(metrics: OpsMetrics, name: string, labels: Record<string, string> = {}) {
  const metric = await metrics.registry.getSingleMetric(name)?.get();
  return (metric?.values ?? [])
    .filter((v) => Object.entries(labels).every(([k, l]) => String(v.labels[k]) === l))
    .reduce((sum, v) => sum + v.value, 0);
}

describe('OpsMetrics', () => {
  it('counts calls, errors by kind, latency and calls in flight, ending each call once', async () => {
    const metrics = new OpsMetrics();
    const first = metrics.calls.started('confluence_get_page');
    const second = metrics.calls.started('confluence_get_page');
    expect(await value(metrics, 'confluence_mcp_tool_calls_in_flight')).toBe(2);
    first(undefined);
    second('not-found');
    second('internal');
    expect(await value(metrics, 'confluence_mcp_tool_calls_in_flight')).toBe(0);
    expect(await value(metrics, 'confluence_mcp_tool_calls_total', { tool: 'confluence_get_page' })).toBe(2);
    expect(await value(metrics, 'confluence_mcp_tool_errors_total', { kind: 'not-found' })).toBe(1);
    expect(await value(metrics, 'confluence_mcp_tool_errors_total', { kind: 'internal' })).toBe(0);
    const text = (await metrics.render()).body;
    expect(text).toMatch(/confluence_mcp_tool_call_duration_seconds_count\{tool="confluence_get_page"\} 2/);
  });

  it('counts what the retry layer tells: retries, rate limits (the app’s quota apart), near-limit answers', async () => {
    const metrics = new OpsMetrics();
    const upstream = metrics.upstream(createLogger('silent'));
    const route = 'api/v2/pages/{id}';
    upstream.retry?.({ method: 'GET', route, attempt: 1, reason: '503', delayMs: 100 });
    upstream.retry?.({ method: 'GET', route, attempt: 2, reason: '503', delayMs: 200 });
    upstream.rateLimited?.({ route, retryAfterMs: 1000, reason: undefined, sharedUntil: undefined });
    upstream.rateLimited?.({ route, retryAfterMs: 1000, reason: 'quota', sharedUntil: Date.now() + 1000 });
    upstream.nearLimit?.({ route, remaining: 3 });
    expect(await value(metrics, 'confluence_mcp_upstream_retries_total', { route, reason: '503' })).toBe(2);
    expect(await value(metrics, 'confluence_mcp_upstream_rate_limited_total', { scope: 'request' })).toBe(1);
    expect(await value(metrics, 'confluence_mcp_upstream_rate_limited_total', { scope: 'app' })).toBe(1);
    expect(await value(metrics, 'confluence_mcp_upstream_near_limit_total', { route })).toBe(1);
  });

  it('counts answers by status and failures by kind, and tells the running call of each', async () => {
    const metrics = new OpsMetrics();
    const lines: string[] = [];
    const upstream = metrics.upstream(createLogger('debug', {}, (line) => lines.push(line)));
    const routes: string[] = [];
    inCallScope({ fields: { requestId: 'r-1' }, onUpstream: (route) => routes.push(route) }, () => {
      upstream.response?.({ method: 'GET', route: 'api/v2/spaces', durationMs: 12, status: 200 });
      upstream.failure?.({ method: 'GET', route: 'api/v2/spaces', durationMs: 10_000, kind: 'timeout' });
    });
    // Outside a call: counted, and no one to tell.
    upstream.response?.({ method: 'GET', route: 'api/v2/spaces', durationMs: 5, status: 429 });
    expect(routes).toEqual(['api/v2/spaces', 'api/v2/spaces']);
    for (const status of ['200', 'timeout', '429']) {
      expect(await value(metrics, 'confluence_mcp_upstream_requests_total', { status })).toBe(1);
    }
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged[0]).toMatchObject({ msg: 'upstream request', requestId: 'r-1', status: 200, ms: 12 });
    expect(logged[1]).toMatchObject({ msg: 'upstream request failed', requestId: 'r-1', failure: 'timeout' });
    expect(logged[2]?.requestId).toBeUndefined();
  });

  it('counts refreshes by outcome and store errors, from zero', async () => {
    const metrics = new OpsMetrics();
    expect((await metrics.render()).body).toContain(
      'confluence_mcp_token_refreshes_total{outcome="invalid_grant"} 0',
    );
    metrics.tokenRefresh('ok');
    metrics.tokenRefresh('invalid_grant');
    metrics.storeError();
    expect(await value(metrics, 'confluence_mcp_token_refreshes_total', { outcome: 'ok' })).toBe(1);
    expect(await value(metrics, 'confluence_mcp_token_refreshes_total', { outcome: 'invalid_grant' })).toBe(
      1,
    );
    expect(await value(metrics, 'confluence_mcp_token_store_errors_total')).toBe(1);
  });

  it('keeps each runtime’s counters apart', async () => {
    const a = new OpsMetrics();
    const b = new OpsMetrics();
    a.tokenRefresh('ok');
    expect(await value(b, 'confluence_mcp_token_refreshes_total', { outcome: 'ok' })).toBe(0);
  });
});

describe('storeReadiness', () => {
  it('is ready with a memory or file store, without asking it', async () => {
    let asked = 0;
    for (const kind of ['memory', 'file']) {
      expect(await storeReadiness(kind, async () => asked++)()).toBe(true);
    }
    expect(asked).toBe(0);
  });

  it('asks Redis each time: ready when it answers, unready when it fails or stays silent past the bound', async () => {
    let mode: 'answer' | 'fail' | 'silent' = 'answer';
    const ready = storeReadiness(
      'redis',
      () =>
        mode === 'answer'
          ? Promise.resolve(undefined)
          : mode === 'fail'
            ? Promise.reject(new Error('down'))
            : new Promise(() => {}),
      50,
    );
    expect(await ready()).toBe(true);
    mode = 'fail';
    expect(await ready()).toBe(false);
    mode = 'silent';
    expect(await ready()).toBe(false);
    mode = 'answer';
    expect(await ready()).toBe(true);
    expect(await storeReadiness('redis-cluster', () => Promise.reject(new Error('down')))()).toBe(false);
  });
});
