import { randomBytes } from 'node:crypto';

/** An OAuth app registered with the sandbox's authorization server. */
export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  redirectUris: Set<string>;
}

export interface AccessTokenRecord {
  accountId: string;
  scopes: Set<string>;
  cloudIds: string[];
  expiresAt: number;
  clientId: string;
}

interface RefreshTokenRecord {
  family: string;
  accountId: string;
  scopes: Set<string>;
  cloudIds: string[];
  clientId: string;
  issuedAt: number;
  /** When this token was exchanged for a newer one; it still works for the reuse leeway after that. */
  rotatedAt?: number;
}

interface FamilyRecord {
  createdAt: number;
  lastUsedAt: number;
  revoked: boolean;
}

interface CodeRecord {
  clientId: string;
  redirectUri: string;
  accountId: string;
  scopes: Set<string>;
  cloudIds: string[];
  expiresAt: number;
}

/** Atlassian's published lifetimes for 3LO tokens. */
export const TOKEN_RULES = {
  accessTokenSeconds: 3600,
  codeSeconds: 600,
  reuseLeewayMs: 10 * 60_000,
  inactivityMs: 90 * 86_400_000,
  absoluteMs: 365 * 86_400_000,
} as const;

/** The grants and apps of an OAuthState as JSON, for a sandbox that outlives its process (`dev`). */
export interface OAuthSnapshot {
  clients: { clientId: string; clientSecret: string; redirectUris: string[] }[];
  access: [string, Omit<AccessTokenRecord, 'scopes'> & { scopes: string[] }][];
  refresh: [string, Omit<RefreshTokenRecord, 'scopes'> & { scopes: string[] }][];
  families: [string, FamilyRecord][];
}

const token = (prefix: string) => `${prefix}${randomBytes(24).toString('base64url')}`;

/** The outcome of a token request: tokens, or an OAuth error with its HTTP status. */
export type TokenOutcome =
  | {
      ok: true;
      body: {
        access_token: string;
        expires_in: number;
        token_type: 'Bearer';
        scope: string;
        refresh_token?: string;
      };
    }
  | { ok: false; status: number; body: { error: string; error_description: string } };

/**
 * The authorization server's memory: clients, codes, access tokens and refresh-token families with Atlassian's
 * rotation rules (a used refresh token is disabled; reusing it within 10 minutes still works; later reuse revokes
 * the whole family).
 */
export class OAuthState {
  readonly clients = new Map<string, OAuthClient>();
  readonly #codes = new Map<string, CodeRecord>();
  readonly #access = new Map<string, AccessTokenRecord>();
  readonly #refresh = new Map<string, RefreshTokenRecord>();
  readonly #families = new Map<string, FamilyRecord>();
  /** Token endpoint calls by grant type, for tests that count refreshes. */
  readonly stats = { authorization_code: 0, refresh_token: 0 };
  readonly #now: () => number;
  /**
   * Lifetime of the access tokens issued from now on. Tests change it between grants, e.g. to hand out a token that
   * is already due for renewal and then a long-lived one, instead of waiting for a short-lived one to age.
   */
  accessTokenSeconds: number;
  /** Every token issued, so tests can check none is stored or logged in plain text. */
  readonly #issued: string[] = [];
  /** Told after every change to apps or grants, so a sandbox that keeps its state can save it. */
  onChange: (() => void) | undefined;

  constructor(now: () => number, options: { accessTokenSeconds?: number } = {}) {
    this.#now = now;
    this.accessTokenSeconds = options.accessTokenSeconds ?? TOKEN_RULES.accessTokenSeconds;
  }

  /** Revokes every refresh-token family of an account, as a user removing the app in their Atlassian settings. */
  revokeAccount(accountId: string): void {
    for (const record of this.#refresh.values()) {
      const family = record.accountId === accountId ? this.#families.get(record.family) : undefined;
      if (family) family.revoked = true;
    }
    this.onChange?.();
  }

  /** Apps and live grants as JSON (codes are not kept: they live ten minutes and a browser is waiting on them). */
  snapshot(): OAuthSnapshot {
    const now = this.#now();
    return {
      clients: [...this.clients.values()].map((c) => ({ ...c, redirectUris: [...c.redirectUris] })),
      access: [...this.#access]
        .filter(([, r]) => r.expiresAt > now)
        .map(([k, r]) => [k, { ...r, scopes: [...r.scopes] }]),
      refresh: [...this.#refresh]
        .filter(([, r]) => !this.#families.get(r.family)?.revoked)
        .map(([k, r]) => [k, { ...r, scopes: [...r.scopes] }]),
      families: [...this.#families].filter(([, f]) => !f.revoked),
    };
  }

  /** Takes back what {@link snapshot} gave. */
  restore(snapshot: OAuthSnapshot): void {
    for (const c of snapshot.clients)
      this.clients.set(c.clientId, { ...c, redirectUris: new Set(c.redirectUris) });
    for (const [k, r] of snapshot.access) this.#access.set(k, { ...r, scopes: new Set(r.scopes) });
    for (const [k, r] of snapshot.refresh) this.#refresh.set(k, { ...r, scopes: new Set(r.scopes) });
    for (const [k, f] of snapshot.families) this.#families.set(k, f);
  }

  /** Every access and refresh token this server has issued. */
  issuedTokens(): readonly string[] {
    return this.#issued;
  }

  registerClient(client: {
    clientId: string;
    clientSecret: string;
    redirectUris: Iterable<string>;
  }): OAuthClient {
    const existing = this.clients.get(client.clientId);
    if (existing) {
      for (const uri of client.redirectUris) existing.redirectUris.add(uri);
      this.onChange?.();
      return existing;
    }
    const record = { ...client, redirectUris: new Set(client.redirectUris) };
    this.clients.set(client.clientId, record);
    this.onChange?.();
    return record;
  }

  issueCode(grant: Omit<CodeRecord, 'expiresAt'>): string {
    const code = token('sbx-code-');
    this.#codes.set(code, { ...grant, expiresAt: this.#now() + TOKEN_RULES.codeSeconds * 1000 });
    return code;
  }

  /** Mints an access token directly (for printed demo credentials and tests). */
  mintAccessToken(grant: Omit<AccessTokenRecord, 'expiresAt'>, seconds: number = this.accessTokenSeconds) {
    const accessToken = token('sbx-at-');
    this.#issued.push(accessToken);
    this.#access.set(accessToken, { ...grant, expiresAt: this.#now() + seconds * 1000 });
    this.onChange?.();
    return accessToken;
  }

  /** The live grant behind an access token, or undefined when unknown or expired. */
  accessToken(value: string): AccessTokenRecord | undefined {
    const record = this.#access.get(value);
    if (!record) return undefined;
    if (record.expiresAt <= this.#now()) return undefined;
    return record;
  }

  #issue(grant: Omit<RefreshTokenRecord, 'issuedAt' | 'rotatedAt'>, withRefresh: boolean): TokenOutcome {
    const accessToken = this.mintAccessToken({
      accountId: grant.accountId,
      scopes: grant.scopes,
      cloudIds: grant.cloudIds,
      clientId: grant.clientId,
    });
    const body: Extract<TokenOutcome, { ok: true }>['body'] = {
      access_token: accessToken,
      expires_in: this.accessTokenSeconds,
      token_type: 'Bearer',
      scope: [...grant.scopes].join(' '),
    };
    if (withRefresh) {
      const refreshToken = token('sbx-rt-');
      this.#issued.push(refreshToken);
      this.#refresh.set(refreshToken, { ...grant, issuedAt: this.#now() });
      body.refresh_token = refreshToken;
      this.onChange?.();
    }
    return { ok: true, body };
  }

  #client(clientId: unknown, clientSecret: unknown): OAuthClient | TokenOutcome {
    const client = typeof clientId === 'string' ? this.clients.get(clientId) : undefined;
    if (!client || client.clientSecret !== clientSecret) {
      return { ok: false, status: 401, body: { error: 'access_denied', error_description: 'Unauthorized' } };
    }
    return client;
  }

  exchangeCode(params: Record<string, unknown>): TokenOutcome {
    this.stats.authorization_code++;
    const client = this.#client(params.client_id, params.client_secret);
    if ('ok' in client) return client;
    const code = typeof params.code === 'string' ? this.#codes.get(params.code) : undefined;
    // A code works once: delete before any other check, so a replay after a failed attempt fails too.
    if (code) this.#codes.delete(params.code as string);
    if (!code || code.expiresAt <= this.#now() || code.clientId !== client.clientId) {
      return invalidGrant('Invalid authorization code');
    }
    if (code.redirectUri !== params.redirect_uri)
      return invalidGrant('redirect_uri does not match the authorization');
    const family = token('fam-');
    this.#families.set(family, { createdAt: this.#now(), lastUsedAt: this.#now(), revoked: false });
    return this.#issue(
      {
        family,
        accountId: code.accountId,
        scopes: code.scopes,
        cloudIds: code.cloudIds,
        clientId: client.clientId,
      },
      code.scopes.has('offline_access'),
    );
  }

  refresh(params: Record<string, unknown>): TokenOutcome {
    this.stats.refresh_token++;
    const client = this.#client(params.client_id, params.client_secret);
    if ('ok' in client) return client;
    const value = typeof params.refresh_token === 'string' ? params.refresh_token : '';
    const record = this.#refresh.get(value);
    const family = record ? this.#families.get(record.family) : undefined;
    if (!record || !family || family.revoked || record.clientId !== client.clientId) {
      return invalidGrant('Unknown or invalid refresh token.');
    }
    const now = this.#now();
    if (
      now - family.lastUsedAt > TOKEN_RULES.inactivityMs ||
      now - family.createdAt > TOKEN_RULES.absoluteMs
    ) {
      family.revoked = true;
      this.onChange?.();
      return invalidGrant('Unknown or invalid refresh token.');
    }
    if (record.rotatedAt !== undefined && now - record.rotatedAt > TOKEN_RULES.reuseLeewayMs) {
      // Reuse of a rotated token after the leeway looks like theft: the whole family dies.
      family.revoked = true;
      this.onChange?.();
      return invalidGrant('Unknown or invalid refresh token.');
    }
    record.rotatedAt ??= now;
    family.lastUsedAt = now;
    return this.#issue(
      {
        family: record.family,
        accountId: record.accountId,
        scopes: record.scopes,
        cloudIds: record.cloudIds,
        clientId: record.clientId,
      },
      true,
    );
  }
}

function invalidGrant(description: string): TokenOutcome {
  return { ok: false, status: 403, body: { error: 'invalid_grant', error_description: description } };
}
