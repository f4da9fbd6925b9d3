import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/index.js';

// The sandbox `dev` runs keeps its secrets and grants in a file, so what it handed out before a restart still works.
describe('a sandbox with a state file', () => {
  it('comes back with the same admin key, app secret, signing key and live tokens', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cmcp-sbx-state-')), 'nested', 'sandbox.json');
    const first = await startSandbox({ stateFile: file });
    const port = Number(new URL(first.url).port);
    const caller = await first.mintCallerToken({ subject: 'someone', audience: 'http://mcp.test/mcp' });
    const access = first.mintAccessToken(first.demoUser.accountId);
    const before = { adminKey: first.adminKey, secret: first.client.clientSecret };
    await first.close();
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const second = await startSandbox({ stateFile: file, port });
    try {
      expect({ adminKey: second.adminKey, secret: second.client.clientSecret }).toEqual(before);
      const jwks = createRemoteJWKSet(new URL(second.idp.jwksUrl));
      const { payload } = await jwtVerify(caller, jwks, { issuer: second.idp.issuer });
      expect(payload.sub).toBe('someone');
      const answer = await fetch(`${second.url}/ex/confluence/${second.site.cloudId}/wiki/api/v2/spaces`, {
        headers: { authorization: `Bearer ${access}` },
      });
      expect(answer.status).toBe(200);
    } finally {
      await second.close();
    }
  });

  it('refuses to start from a file that is not its state, saying how to start afresh', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cmcp-sbx-state-')), 'sandbox.json');
    writeFileSync(file, JSON.stringify({ adminKey: 'x' }));
    await expect(startSandbox({ stateFile: file })).rejects.toThrow(/not a sandbox state file: delete it/);
    writeFileSync(file, '{not json');
    await expect(startSandbox({ stateFile: file })).rejects.toThrow(/not a sandbox state file: delete it/);
  });
});
