import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log.js';
import { rateLimitLog } from '../../../src/runtime-parts.js';

function captured() {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger('debug', {}, (line) => lines.push(JSON.parse(line) as Record<string, unknown>));
  return { log, lines };
}

describe('what the server logs of Atlassian’s rate limits', () => {
  it('warns once per spent quota however many calls it refuses, and names the reset', () => {
    const { log, lines } = captured();
    const observer = rateLimitLog(log);
    const until = Date.parse('2026-03-02T11:00:00Z');
    observer.rateLimited?.({
      route: 'api/v2/spaces',
      retryAfterMs: 1_800_000,
      reason: 'quota',
      sharedUntil: until,
    });
    for (let i = 0; i < 50; i++) {
      observer.rateLimited?.({
        route: 'api/v2/spaces',
        retryAfterMs: 1_000_000,
        reason: 'quota spent',
        sharedUntil: until,
        refused: true,
      });
    }
    const warnings = lines.filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ until: '2026-03-02T11:00:00.000Z' });
  });

  it('warns of a near limit at most once a minute, with what remains', () => {
    const { log, lines } = captured();
    const observer = rateLimitLog(log);
    observer.nearLimit?.({ route: 'api/v2/pages/{id}', remaining: 42 });
    observer.nearLimit?.({ route: 'api/v2/pages/{id}', remaining: 41 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'warn', remaining: 42, route: 'api/v2/pages/{id}' });
  });

  it('notes a burst limit at info, each time', () => {
    const { log, lines } = captured();
    const observer = rateLimitLog(log);
    observer.rateLimited?.({
      route: 'api/v2/spaces',
      retryAfterMs: 1000,
      reason: undefined,
      sharedUntil: undefined,
    });
    observer.rateLimited?.({
      route: 'api/v2/spaces',
      retryAfterMs: 1000,
      reason: undefined,
      sharedUntil: undefined,
    });
    expect(lines.map((l) => l.level)).toEqual(['info', 'info']);
  });
});
