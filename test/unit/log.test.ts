import { describe, expect, it } from 'vitest';
import { createLogger, type LogLevel, silentLogger } from '../../src/log.js';

function capture(level?: LogLevel, base?: Record<string, unknown>) {
  const lines: string[] = [];
  const log = createLogger(level, base, (line) => lines.push(line));
  return { log, lines, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const SECRET = 's3cr3t-value';

describe('log', () => {
  it('never writes the value of a field named like a secret, whatever its case or spelling', () => {
    const { log, lines, records } = capture('debug');
    const names = [
      'token',
      'accessToken',
      'refresh_token',
      'clientSecret',
      'password',
      'Authorization',
      'cookie',
      'set-cookie',
      'apiKey',
      'api_key',
      'api-key',
      'APIKEY',
      'code_verifier',
      'code',
      'state',
      'oauthState',
    ];
    log.info('connected', Object.fromEntries(names.map((n) => [n, SECRET])));
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(SECRET);
    const [record] = records();
    for (const name of names) expect(record?.[name]).toBe('[redacted]');
  });

  it('redacts secret-named fields given to a child logger and in the base fields, at every level', () => {
    const { log, lines } = capture('debug', { clientSecret: SECRET });
    const child = log.child({ token: SECRET });
    child.debug('d', { password: SECRET });
    child.info('i', { authorization: `Bearer ${SECRET}` });
    child.warn('w', { cookie: SECRET });
    child.error('e', { refreshToken: SECRET });
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(line).not.toContain(SECRET);
  });

  it('writes ordinary fields as given, a name merely containing code among them', () => {
    const { log, records } = capture();
    log.info('tool called', {
      tool: 'confluence_get_page',
      pageId: '123',
      count: 2,
      errorCode: 'E1',
      ok: true,
    });
    expect(records()[0]).toMatchObject({
      level: 'info',
      msg: 'tool called',
      tool: 'confluence_get_page',
      pageId: '123',
      count: 2,
      errorCode: 'E1',
      ok: true,
    });
  });

  it('writes one JSON object per line with the time, level and message, and leaves out undefined fields, secret-named or not', () => {
    const { log, lines, records } = capture();
    log.warn('slow upstream', { ms: 1200, missing: undefined, token: undefined });
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith('\n')).toBe(true);
    expect(lines[0]?.trim()).not.toContain('\n');
    const [record] = records();
    expect(Object.keys(record ?? {})).toEqual(['time', 'level', 'msg', 'ms']);
    expect(new Date(record?.time as string).toISOString()).toBe(record?.time);
    expect(record).toMatchObject({ level: 'warn', msg: 'slow upstream', ms: 1200 });
  });

  it('writes an error as its name, message and stack, which a plain JSON encoding would drop', () => {
    const { log, records } = capture();
    const error = new TypeError('bad input');
    log.error('request failed', { error });
    expect(records()[0]?.error).toEqual({ name: 'TypeError', message: 'bad input', stack: error.stack });
  });

  it('writes only at or above its level, and nothing when silent', () => {
    const levels: LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];
    const written = Object.fromEntries(
      levels.map((level) => {
        const { log, records } = capture(level);
        log.debug('d');
        log.info('i');
        log.warn('w');
        log.error('e');
        return [level, records().map((r) => `${r.level}:${r.msg}`)];
      }),
    );
    expect(written).toEqual({
      debug: ['debug:d', 'info:i', 'warn:w', 'error:e'],
      info: ['info:i', 'warn:w', 'error:e'],
      warn: ['warn:w', 'error:e'],
      error: ['error:e'],
      silent: [],
    });
  });

  it('logs at info by default, and a child keeps its parent’s level, fields and destination', () => {
    const { log, records } = capture(undefined, { service: 'mcp' });
    log.debug('hidden');
    const child = log.child({ requestId: 'r1' });
    child.debug('hidden too');
    child.info('shown', { step: 1 });
    expect(records()).toEqual([
      expect.objectContaining({ level: 'info', msg: 'shown', service: 'mcp', requestId: 'r1', step: 1 }),
    ]);
  });

  it('lets a call’s fields override the base fields of the same name', () => {
    const { log, records } = capture('info', { user: 'base' });
    log.child({ user: 'child' }).info('x', { user: 'call' });
    log.child({ user: 'child' }).info('y');
    expect(records().map((r) => r.user)).toEqual(['call', 'child']);
  });

  it('writes to stderr by default, never to stdout (which belongs to the MCP protocol on stdio)', () => {
    const written: string[] = [];
    const originalErr = process.stderr.write;
    const originalOut = process.stdout.write;
    process.stderr.write = ((chunk: string) => {
      written.push(`err:${chunk}`);
      return true;
    }) as typeof process.stderr.write;
    process.stdout.write = ((chunk: string) => {
      written.push(`out:${chunk}`);
      return true;
    }) as typeof process.stdout.write;
    try {
      createLogger('info').info('to stderr');
      silentLogger.error('dropped');
      silentLogger.child({ a: 1 }).error('dropped too');
    } finally {
      process.stderr.write = originalErr;
      process.stdout.write = originalOut;
    }
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^err:\{.*"msg":"to stderr"/);
  });
});
