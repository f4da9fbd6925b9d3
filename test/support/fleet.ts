import { StoreRecords } from '../../src/auth/records.js';
import { generateEncryptionKey, openSecretStore, parseEncryptionKeys } from '../../src/auth/store/index.js';
import { configSchema } from '../../src/config/schema.js';
import { GRANULAR_SCOPES } from '../../src/confluence/index.js';
import { type Logger, silentLogger } from '../../src/log.js';
import { buildRuntime } from '../../src/runtime.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { startHttpServer } from '../../src/transports/http.js';

/** The audience every instance of a test fleet accepts, as behind one load balancer. */
export const FLEET_AUDIENCE = 'urn:test:confluence-mcp';

export interface FleetOptions {
  /** Where the token store is: a Redis URL shared by the instances, or memory://. */
  storeUrl: string;
  namespace: string;
  /** One key for the fleet (generateEncryptionKey). */
  encryptionKeys?: string;
  /** Fields merged into the configuration (limits...). */
  config?: Record<string, unknown>;
  log?: Logger;
}

const app = { clientId: 'fleet-app', clientSecret: 'fleet-app-secret-value' };

/**
 * One instance of `confluence-mcp http` with per-user OAuth against the sandbox, in this process on a port the OS
 * chose, with its own connection to the shared token store: several make a fleet.
 */
export async function startFleetInstance(
  sandbox: Sandbox,
  options: FleetOptions & { encryptionKeys: string },
) {
  const config = configSchema.parse({
    ...options.config,
    http: { host: '127.0.0.1', port: 0 },
    atlassian: { authBaseUrl: sandbox.url, apiBaseUrl: sandbox.url, clientId: app.clientId },
    callerAuth: { issuer: sandbox.idp.issuer, jwksUrl: sandbox.idp.jwksUrl, audience: FLEET_AUDIENCE },
    tokenStore: { url: options.storeUrl, namespace: options.namespace },
  });
  const env = {
    ATLASSIAN_CLIENT_SECRET: app.clientSecret,
    CONFLUENCE_MCP_ENCRYPTION_KEYS: options.encryptionKeys,
  };
  const log = options.log ?? silentLogger;
  const http = await startHttpServer({
    http: config.http,
    batch: config.limits,
    log,
    build: (publicUrl) => buildRuntime(config, log, { mode: 'http', publicUrl, env }),
  });
  return { url: http.url, mcpUrl: http.mcpUrl, close: () => http.close() };
}

/**
 * Writes connections into the fleet's token store as a completed consent would: caller `subject` acts as Atlassian
 * account `accountId`, with a fresh access token for every granular scope. No browser needed.
 */
export async function seedConnections(
  sandbox: Sandbox,
  options: FleetOptions & { encryptionKeys: string },
  users: readonly { subject: string; accountId: string }[],
): Promise<void> {
  const keyring = parseEncryptionKeys(options.encryptionKeys);
  const store = await openSecretStore(options.storeUrl, { keys: keyring, namespace: options.namespace });
  const records = new StoreRecords(keyring);
  const now = Date.now();
  try {
    for (const user of users) {
      const userKey = JSON.stringify([sandbox.idp.issuer, user.subject]);
      await store.set(
        records.connection(userKey),
        {
          v: 1,
          sites: [
            {
              cloudId: sandbox.site.cloudId,
              name: sandbox.site.name,
              url: sandbox.url,
              scopes: [...GRANULAR_SCOPES],
            },
          ],
          scopes: [...GRANULAR_SCOPES],
          accessToken: sandbox.mintAccessToken(user.accountId, GRANULAR_SCOPES, 6 * 3600),
          accessExpiresAt: now + 6 * 3600_000,
          createdAt: now,
          refreshedAt: now,
        },
        6 * 3600_000,
      );
    }
  } finally {
    await store.close();
  }
}

/** A fresh encryption key for a test fleet. */
export function fleetKey(): string {
  return generateEncryptionKey('fleet');
}
