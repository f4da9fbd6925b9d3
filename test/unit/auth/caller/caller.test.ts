import { describe, expect, it } from 'vitest';
import { callerFromToken, type VerifiedCaller } from '../../../../src/auth/caller/index.js';

const verified = (over: Partial<VerifiedCaller> = {}): VerifiedCaller => ({
  userKey: JSON.stringify(['https://idp.example', 'u-1']),
  issuer: 'https://idp.example',
  subject: 'u-1',
  expiresAt: 0,
  scopes: [],
  claims: {},
  emailVerified: false,
  ...over,
});

describe('callerFromToken', () => {
  it('names the caller by the subject at its issuer when no verified email vouches for them', () => {
    const caller = callerFromToken(
      verified({ claims: { name: 'The CEO', email: 'ceo@acme.example', preferred_username: 'ceo' } }),
    );
    expect(caller).toEqual({
      userKey: JSON.stringify(['https://idp.example', 'u-1']),
      label: 'u-1 at https://idp.example',
      issuer: 'https://idp.example',
      subject: 'u-1',
      claimedName: 'The CEO',
    });
  });

  it('names the caller by their email only when the token says it was verified', () => {
    const caller = callerFromToken(
      verified({ claims: { email: 'ada@acme.example', preferred_username: 'ada' }, emailVerified: true }),
    );
    expect(caller.label).toBe('ada@acme.example');
    expect(caller.verifiedEmail).toBe('ada@acme.example');
    expect(caller.claimedName).toBe('ada');
  });
});
