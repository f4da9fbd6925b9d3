import { describe, expect, it } from 'vitest';
import { LOCAL_CALLER } from '../../../src/auth/session.js';
import { authInfoFor, callerOf } from '../../../src/mcp/context.js';

const token = {
  token: 'opaque',
  clientId: 'client-1',
  scopes: ['mcp'],
  expiresAt: 1_900_000_000,
  resource: new URL('https://mcp.example.com/mcp'),
};
const alice = {
  userKey: '["https://idp.example","alice"]',
  label: 'alice@example.com',
  issuer: 'https://idp.example',
  subject: 'alice',
  verifiedEmail: 'alice@example.com',
};

describe('the request context', () => {
  it('reads back the caller a transport attached to the auth info, with the token facts beside it', () => {
    const info = authInfoFor(alice, token);
    expect(info).toMatchObject({ token: 'opaque', clientId: 'client-1', scopes: ['mcp'] });
    expect(callerOf(info)).toEqual(alice);
    expect(callerOf(authInfoFor(LOCAL_CALLER, token))).toEqual(LOCAL_CALLER);
  });

  it('has no caller when the transport verified none', () => {
    expect(callerOf(undefined)).toBeUndefined();
    expect(callerOf({ ...token, extra: {} })).toBeUndefined();
    expect(callerOf({ ...token })).toBeUndefined();
  });

  it.each([
    ['a string', 'alice'],
    ['null', null],
    ['no user key', { label: 'alice' }],
    ['an empty user key', { userKey: '', label: 'alice' }],
    ['no label', { userKey: 'u' }],
    ['a user key that is not a string', { userKey: 42, label: 'alice' }],
    ['an issuer that is not a string', { userKey: 'u', label: 'alice', issuer: ['x'] }],
    ['a claimed name that is not a string', { userKey: 'u', label: 'alice', claimedName: {} }],
  ])('refuses auth info whose caller is %s, instead of trusting it', (_what, caller) => {
    expect(() => callerOf({ ...token, extra: { caller } })).toThrow(/no valid caller/);
  });
});
