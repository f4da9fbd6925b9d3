import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCallerVerifier, InvalidCallerTokenError } from '../../src/auth/caller/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';

// The sandbox plays the caller's identity provider too, so the multi-user flow (a gateway presenting each user's
// token to the MCP server) runs on one machine. These check it over real HTTP, through the real verifier.
const AUDIENCE = 'http://localhost:3000/mcp';
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
});

afterAll(async () => {
  await sandbox?.close();
});

const verifier = () =>
  createCallerVerifier({
    issuer: sandbox.idp.issuer,
    jwksUrl: sandbox.idp.jwksUrl,
    audience: AUDIENCE,
    algorithms: ['RS256'],
  });

describe('sandbox identity provider', () => {
  it('publishes discovery and a JWKS with a key id', async () => {
    expect(sandbox.idp).toEqual({ issuer: `${sandbox.url}/idp`, jwksUrl: `${sandbox.url}/idp/jwks.json` });
    const discovery = await fetch(`${sandbox.url}/idp/.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);
    expect(await discovery.json()).toMatchObject({
      issuer: sandbox.idp.issuer,
      jwks_uri: sandbox.idp.jwksUrl,
    });
    const jwks = (await (await fetch(sandbox.idp.jwksUrl)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.any(String) });
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it("mints a user's token that the caller verifier accepts", async () => {
    const token = await sandbox.mintCallerToken({
      subject: 'alice',
      audience: AUDIENCE,
      name: 'Alice',
      email: 'alice@example.com',
      scopes: ['confluence'],
      expiresInSeconds: 600,
    });
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'RS256', typ: 'at+jwt' });
    const caller = await verifier().verify(token);
    expect(caller).toMatchObject({
      userKey: JSON.stringify([sandbox.idp.issuer, 'alice']),
      subject: 'alice',
      issuer: sandbox.idp.issuer,
      scopes: ['confluence'],
      clientId: 'sandbox-gateway',
      claims: { name: 'Alice', email: 'alice@example.com' },
    });
    expect(caller.expiresAt - Date.now() / 1000).toBeGreaterThan(590);
  });

  it('mints through the admin endpoint, which needs the admin key', async () => {
    const body = JSON.stringify({ subject: 'bob', audience: AUDIENCE, scopes: ['a', 'b'] });
    const refused = await fetch(`${sandbox.url}/__sandbox/idp/token`, { method: 'POST', body });
    expect(refused.status).toBe(403);
    const response = await fetch(`${sandbox.url}/__sandbox/idp/token`, {
      method: 'POST',
      headers: { 'x-sandbox-admin': sandbox.adminKey, 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(200);
    const minted = (await response.json()) as {
      access_token: string;
      token_type: string;
      expires_in: number;
    };
    expect(minted).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    await expect(verifier().verify(minted.access_token)).resolves.toMatchObject({
      subject: 'bob',
      scopes: ['a', 'b'],
    });
  });

  it('answers 400 to the admin endpoint without a subject or audience', async () => {
    const response = await fetch(`${sandbox.url}/__sandbox/idp/token`, {
      method: 'POST',
      headers: { 'x-sandbox-admin': sandbox.adminKey },
      body: JSON.stringify({ audience: AUDIENCE }),
    });
    expect(response.status).toBe(400);
  });

  it('mints tokens the verifier refuses: another audience, or already expired', async () => {
    const other = await sandbox.mintCallerToken({ subject: 'alice', audience: 'http://localhost:4000/mcp' });
    await expect(verifier().verify(other)).rejects.toThrow(InvalidCallerTokenError);
    await expect(verifier().verify(other)).rejects.toThrow('token is not meant for this server');
    const expired = await sandbox.mintCallerToken({
      subject: 'alice',
      audience: AUDIENCE,
      expiresInSeconds: -60,
    });
    await expect(verifier().verify(expired)).rejects.toThrow('token expired');
  });

  it("refuses a token from another sandbox's identity provider", async () => {
    const elsewhere = await startSandbox();
    try {
      const token = await elsewhere.mintCallerToken({ subject: 'alice', audience: AUDIENCE });
      // Its key id is not in our issuer's JWKS, which is found out before the claims are read.
      await expect(verifier().verify(token)).rejects.toThrow('unknown signing key');
    } finally {
      await elsewhere.close();
    }
  });
});
