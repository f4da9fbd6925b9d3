import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { checkOrigin, hostnameOf, isLoopback, originPolicy } from '../../../src/transports/http-guard.js';

const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('Host and Origin checks', () => {
  const local = originPolicy({
    host: '127.0.0.1',
    publicUrl: 'http://localhost:3000',
    allowedHosts: [],
    allowedOrigins: [],
  });

  it('accepts local hosts without an Origin (non-browser clients)', () => {
    expect(checkOrigin(request({ host: '127.0.0.1:3000' }), local)).toBeUndefined();
    expect(checkOrigin(request({ host: 'localhost:3000' }), local)).toBeUndefined();
    expect(checkOrigin(request({ host: '[::1]:3000' }), local)).toBeUndefined();
  });

  it('refuses a rebinding attack: a foreign Host name pointing at loopback', () => {
    expect(checkOrigin(request({ host: 'evil.example:3000' }), local)?.status).toBe(403);
    expect(checkOrigin(request({}), local)?.status).toBe(403);
  });

  it('refuses a foreign Origin, and accepts loopback origins on a loopback server', () => {
    expect(
      checkOrigin(request({ host: 'localhost:3000', origin: 'https://evil.example' }), local)?.status,
    ).toBe(403);
    expect(checkOrigin(request({ host: 'localhost:3000', origin: 'null' }), local)?.status).toBe(403);
    expect(
      checkOrigin(request({ host: 'localhost:3000', origin: 'http://localhost:6274' }), local),
    ).toBeUndefined();
  });

  it('on a public server, accepts only the public origin and configured ones', () => {
    const remote = originPolicy({
      host: '0.0.0.0',
      publicUrl: 'https://mcp.acme.example',
      allowedHosts: ['mcp.internal'],
      allowedOrigins: ['https://gateway.example/'],
    });
    expect(checkOrigin(request({ host: 'mcp.acme.example' }), remote)).toBeUndefined();
    expect(checkOrigin(request({ host: 'mcp.internal:8080' }), remote)).toBeUndefined();
    expect(
      checkOrigin(request({ host: 'mcp.acme.example', origin: 'https://gateway.example' }), remote),
    ).toBeUndefined();
    expect(
      checkOrigin(request({ host: 'mcp.acme.example', origin: 'http://localhost:6274' }), remote)?.status,
    ).toBe(403);
    expect(checkOrigin(request({ host: '10.0.0.7' }), remote)?.status).toBe(403);
  });

  it('reads host names without ports, IPv6 included', () => {
    expect(hostnameOf('Example.COM:443')).toBe('example.com');
    expect(hostnameOf('[::1]:3000')).toBe('[::1]');
  });

  it('counts as loopback only real loopback names and addresses, not names that start like one', () => {
    for (const host of ['localhost', 'LOCALHOST', '127.0.0.1', '127.1.2.3', '::1', '[::1]'])
      expect(isLoopback(host), host).toBe(true);
    for (const host of [
      '127.evil.com',
      '127.0.0.1.evil.com',
      '127.0.0.1.nip.io',
      '127',
      '128.0.0.1',
      'evil.localhost.com',
    ])
      expect(isLoopback(host), host).toBe(false);
    expect(
      checkOrigin(request({ host: 'localhost:3000', origin: 'http://127.evil.com' }), local)?.status,
    ).toBe(403);
    expect(
      checkOrigin(request({ host: 'localhost:3000', origin: 'http://127.0.0.1.nip.io:3000' }), local)?.status,
    ).toBe(403);
    expect(
      checkOrigin(request({ host: 'localhost:3000', origin: 'http://127.0.0.2:9' }), local),
    ).toBeUndefined();
  });

  it('accepts an opaque Origin (null) only where the caller says the route judges it, never by default', () => {
    const opaque = request({ host: 'localhost:3000', origin: 'null' });
    expect(checkOrigin(opaque, local)?.status).toBe(403);
    expect(checkOrigin(opaque, local, { opaqueOriginAllowed: false })?.status).toBe(403);
    expect(checkOrigin(opaque, local, { opaqueOriginAllowed: true })).toBeUndefined();
    // The Host check still holds for it.
    expect(
      checkOrigin(request({ host: 'evil.example', origin: 'null' }), local, { opaqueOriginAllowed: true })
        ?.status,
    ).toBe(403);
    // Only the exact serialisation counts as opaque.
    expect(
      checkOrigin(request({ host: 'localhost:3000', origin: 'NULL' }), local, { opaqueOriginAllowed: true })
        ?.status,
    ).toBe(403);
  });
});

describe('the hosts and origins a policy admits', () => {
  const policyFor = (host: string, extra: { allowedOrigins?: string[] } = {}) =>
    originPolicy({
      host,
      publicUrl: 'https://mcp.acme.example',
      allowedHosts: [],
      allowedOrigins: [],
      ...extra,
    });

  it('never admits the wildcard address a server listens on as a Host name', () => {
    expect(checkOrigin(request({ host: '0.0.0.0:3000' }), policyFor('0.0.0.0'))?.status).toBe(403);
    expect(checkOrigin(request({ host: '[::]:3000' }), policyFor('::'))?.status).toBe(403);
    expect(checkOrigin(request({ host: '[::]:3000' }), policyFor('[::]'))?.status).toBe(403);
    expect(policyFor('0.0.0.0').hosts).toEqual(
      new Set(['localhost', '127.0.0.1', '[::1]', 'mcp.acme.example']),
    );
  });

  it('admits the address it listens on, an IPv6 one in brackets as a Host header writes it', () => {
    expect(checkOrigin(request({ host: '10.0.0.7:3000' }), policyFor('10.0.0.7'))).toBeUndefined();
    expect(checkOrigin(request({ host: '[fd00::5]:3000' }), policyFor('fd00::5'))).toBeUndefined();
    expect(checkOrigin(request({ host: 'fd00::5' }), policyFor('fd00::5'))?.status).toBe(403);
  });

  it('takes configured origins however many slashes end them', () => {
    const policy = policyFor('0.0.0.0', { allowedOrigins: ['https://gateway.example//'] });
    expect(
      checkOrigin(request({ host: 'mcp.acme.example', origin: 'https://gateway.example' }), policy),
    ).toBeUndefined();
  });

  it('admits loopback origins only over http or https', () => {
    const local = policyFor('127.0.0.1');
    for (const origin of ['xhttp://localhost:1', 'ws://localhost:1', 'file://localhost']) {
      expect(checkOrigin(request({ host: 'localhost:3000', origin }), local)?.status, origin).toBe(403);
    }
    expect(
      checkOrigin(request({ host: 'localhost:3000', origin: 'https://localhost:1' }), local),
    ).toBeUndefined();
  });

  it('says why it refused, and what to configure', () => {
    const local = policyFor('127.0.0.1');
    expect(checkOrigin(request({ host: 'evil.example' }), local)?.reason).toBe(
      'Host not allowed: add it to http.allowedHosts or set http.publicUrl',
    );
    expect(checkOrigin(request({ host: 'localhost', origin: 'null' }), local)?.reason).toBe(
      'Origin not allowed',
    );
    expect(checkOrigin(request({ host: 'localhost', origin: 'not a url' }), local)?.reason).toBe(
      'Origin not allowed',
    );
    expect(checkOrigin(request({ host: 'localhost', origin: 'https://evil.example' }), local)?.reason).toBe(
      'Origin not allowed: add it to http.allowedOrigins',
    );
  });
});
