import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CallerVerifier,
  cachingVerifier,
  createCallerVerifier,
  InvalidCallerTokenError,
  type VerifiedCaller,
} from '../../../../src/auth/caller/index.js';

const ISSUER = 'https://idp.example.com/';
const AUDIENCE = 'https://mcp.example.com/mcp';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;
let key: KeyPair;
let real: CallerVerifier;

beforeAll(async () => {
  key = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(key.publicKey);
  real = createCallerVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithms: ['RS256'],
    clockToleranceSeconds: 30,
    jwks: { keys: [{ ...jwk, kid: 'k1', alg: 'RS256', use: 'sig' }] },
  });
});

function token(sub: string, expiresIn = 600, extra: Record<string, unknown> = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ scope: 'mcp', ...extra })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(sub)
    .setIssuedAt(now)
    .setExpirationTime(now + expiresIn)
    .sign(key.privateKey);
}

/** The real verifier, counting the tokens it is asked to verify. */
function counted(inner: CallerVerifier = real) {
  const seen: string[] = [];
  const verifier: CallerVerifier = {
    verify: (t) => {
      seen.push(t);
      return inner.verify(t);
    },
  };
  return { verifier, seen };
}

describe('the verified-token cache', () => {
  it('verifies a token once, and hands every later request the same caller', async () => {
    const { verifier, seen } = counted();
    const cached = cachingVerifier(verifier, { maxEntries: 10 });
    const t = await token('alice');
    const first = await cached.verify(t);
    for (let i = 0; i < 20; i++) expect(await cached.verify(t)).toEqual(first);
    expect(seen).toHaveLength(1);
    expect(first.subject).toBe('alice');
  });

  it('never mixes up two users whose requests interleave', async () => {
    const { verifier, seen } = counted();
    const cached = cachingVerifier(verifier, { maxEntries: 10 });
    const [a, b] = await Promise.all([token('alice'), token('bob')]);
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => cached.verify(i % 2 ? b : a).then((c) => [i % 2, c.subject])),
    );
    for (const [odd, subject] of answers) expect(subject).toBe(odd ? 'bob' : 'alice');
    // Identical tokens arriving together are verified once each.
    expect(seen.sort()).toEqual([a, b].sort());
  });

  it('checks a token again once its exp has passed, and it then fails', async () => {
    let clock = Date.now();
    const { verifier, seen } = counted();
    const cached = cachingVerifier(verifier, { maxEntries: 10, now: () => clock });
    const t = await token('alice', 60);
    const caller = await cached.verify(t);
    clock = caller.expiresAt * 1000 - 1;
    await cached.verify(t);
    expect(seen).toHaveLength(1);
    clock = caller.expiresAt * 1000;
    // The inner verifier has its own clock (still valid for it): the point is that it is asked again.
    await cached.verify(t);
    expect(seen).toHaveLength(2);
  });

  it('does not keep a token that has already expired by the time it is verified (within the leeway)', async () => {
    const { verifier, seen } = counted();
    const cached = cachingVerifier(verifier, { maxEntries: 10 });
    // Expired 10 s ago: the 30 s leeway still accepts it, the cache must not.
    const t = await token('late', -10);
    await cached.verify(t);
    await cached.verify(t);
    expect(seen).toHaveLength(2);
  });

  it('hands a missing token to the inner verifier, which refuses it in its own words', async () => {
    const { verifier, seen } = counted();
    const cached = cachingVerifier(verifier, { maxEntries: 10 });
    await expect(cached.verify('')).rejects.toThrow(new InvalidCallerTokenError('missing token'));
    // A caller that sends no header at all reaches here as undefined: refused the same way, not a TypeError.
    await expect(cached.verify(undefined as unknown as string)).rejects.toThrow(
      new InvalidCallerTokenError('missing token'),
    );
    expect(seen).toEqual(['', undefined]);
  });

  it('gives a token expired by the time it is verified no place: it evicts no fresh one', async () => {
    let clock = Date.now();
    const { verifier, seen } = counted();
    const cached = cachingVerifier(verifier, { maxEntries: 1, now: () => clock });
    const fresh = await token('fresh', 600);
    const late = await token('late', 60);
    await cached.verify(fresh);
    const lateCaller = await real.verify(late);
    // Exactly at its exp, and then past it (the inner verifier's leeway still accepts it both times).
    for (const at of [lateCaller.expiresAt * 1000, lateCaller.expiresAt * 1000 + 5000]) {
      clock = at;
      expect((await cached.verify(late)).subject).toBe('late');
      expect((await cached.verify(fresh)).subject).toBe('fresh');
    }
    expect(seen).toEqual([fresh, late, late]);
  });

  it('remembers no failure: a bad token is checked every time, and fails every time', async () => {
    const { verifier, seen } = counted();
    const cached = cachingVerifier(verifier, { maxEntries: 10 });
    const good = await token('alice');
    const [head, payload] = good.split('.');
    const forged = `${head}.${payload}.${'A'.repeat(342)}`;
    for (let i = 0; i < 3; i++)
      await expect(cached.verify(forged)).rejects.toBeInstanceOf(InvalidCallerTokenError);
    expect(seen).toHaveLength(3);
    // A good token after a forged one with the same claims is still verified on its own.
    expect((await cached.verify(good)).subject).toBe('alice');
  });

  it('keeps at most maxEntries tokens, evicting the least recently used', async () => {
    const { verifier, seen } = counted();
    const cached = cachingVerifier(verifier, { maxEntries: 2 });
    const [a, b, c] = await Promise.all([token('a'), token('b'), token('c')]);
    await cached.verify(a);
    await cached.verify(b);
    await cached.verify(a); // a is now the most recent
    await cached.verify(c); // evicts b
    expect(seen).toEqual([a, b, c]);
    await cached.verify(a);
    expect(seen).toHaveLength(3);
    await cached.verify(b);
    expect(seen).toEqual([a, b, c, b]);
  });

  it('keeps no token itself, only its hash, and hands out a caller nobody can change', async () => {
    const inner: CallerVerifier = {
      verify: async (t): Promise<VerifiedCaller> => ({
        userKey: JSON.stringify([ISSUER, t.length]),
        issuer: ISSUER,
        subject: 's',
        expiresAt: Math.floor(Date.now() / 1000) + 600,
        scopes: ['mcp'],
        claims: {},
        emailVerified: false,
      }),
    };
    const cached = cachingVerifier(inner, { maxEntries: 5 });
    const caller = await cached.verify('x.y.z');
    expect(Object.isFrozen(caller) && Object.isFrozen(caller.scopes) && Object.isFrozen(caller.claims)).toBe(
      true,
    );
    expect(() => (caller.scopes as string[]).push('admin')).toThrow(TypeError);
  });

  it('is the inner verifier itself when turned off', () => {
    const { verifier } = counted();
    expect(cachingVerifier(verifier, { maxEntries: 0 })).toBe(verifier);
  });
});
