import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { Caller } from '../auth/index.js';

/** A request's auth info as the SDK carries it to handlers (`req.auth` for the HTTP transport). */
export type { AuthInfo };

/** What a transport verified about a request's bearer token, besides who the caller is. */
export interface VerifiedToken {
  token: string;
  clientId: string;
  scopes: string[];
  /** Epoch seconds, when the token says. */
  expiresAt?: number | undefined;
  /** The resource the token was issued for (this server's MCP endpoint). */
  resource: URL;
}

/**
 * The auth info the SDK hands every handler of a request from a verified caller. The caller rides in `extra`,
 * the SDK's place for what it does not model; {@link callerOf} reads it back.
 */
export function authInfoFor(caller: Caller, token: VerifiedToken): AuthInfo {
  return { ...token, extra: { caller } };
}

const optionalString = (value: unknown) => value === undefined || typeof value === 'string';

/** Whether a value has the shape of a Caller: checked at run time, because `extra` is typed as anything. */
function isCaller(value: unknown): value is Caller {
  if (typeof value !== 'object' || value === null) return false;
  const c: Partial<Record<keyof Caller, unknown>> = value;
  return (
    typeof c.userKey === 'string' &&
    c.userKey !== '' &&
    typeof c.label === 'string' &&
    optionalString(c.issuer) &&
    optionalString(c.subject) &&
    optionalString(c.verifiedEmail) &&
    optionalString(c.claimedName)
  );
}

/**
 * The verified caller of a request, from the auth info its transport attached ({@link authInfoFor}); undefined
 * when the transport verified none. Anything else in that place is refused rather than trusted.
 */
export function callerOf(authInfo: AuthInfo | undefined): Caller | undefined {
  const caller = authInfo?.extra?.caller;
  if (caller === undefined) return undefined;
  if (!isCaller(caller)) throw new TypeError('the auth info of this request holds no valid caller');
  return caller;
}
