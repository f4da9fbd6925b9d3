import type { IncomingMessage } from 'node:http';
import {
  CallerKeysUnavailableError,
  type CallerVerifier,
  callerFromToken,
  InvalidCallerTokenError,
  wwwAuthenticate,
} from '../auth/index.js';
import { type AuthInfo, authInfoFor } from '../mcp/index.js';
import { RequestError } from './http-io.js';

/** How the HTTP transport verifies callers: this server is then an OAuth protected resource. */
export interface CallerAuth {
  verifier: CallerVerifier;
  /** This server's resource identifier, the audience of callers' tokens (its /mcp URL by default). */
  resource: string;
  /** The authorization server callers get their tokens from. */
  issuer: string;
}

/**
 * The auth info of a request from a verified caller, for the SDK to hand every handler; a RequestError (401, 403
 * or 503) with an RFC 6750 challenge pointing at `resourceMetadataUrl` when the bearer token is missing or bad.
 */
export async function authenticate(
  req: IncomingMessage,
  auth: CallerAuth,
  resourceMetadataUrl: string,
): Promise<AuthInfo> {
  const challenge = (error?: InvalidCallerTokenError) =>
    wwwAuthenticate({
      resourceMetadataUrl,
      ...(error ? { error: error.error, description: error.message } : {}),
    });
  const header = req.headers.authorization ?? '';
  // Node strips the whitespace around a header value, so a token is all that follows "Bearer ".
  const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  if (!token) {
    throw new RequestError(401, -32001, 'Authentication required: send a bearer token', {
      'www-authenticate': challenge(),
    });
  }
  try {
    const verified = await auth.verifier.verify(token);
    return authInfoFor(callerFromToken(verified), {
      token,
      clientId: verified.clientId ?? verified.subject,
      scopes: verified.scopes,
      expiresAt: verified.expiresAt,
      resource: new URL(auth.resource),
    });
  } catch (error) {
    if (error instanceof InvalidCallerTokenError) {
      const status = error.error === 'insufficient_scope' ? 403 : 401;
      throw new RequestError(status, -32001, `Invalid token: ${error.message}`, {
        'www-authenticate': challenge(error),
      });
    }
    if (error instanceof CallerKeysUnavailableError) {
      throw new RequestError(503, -32001, "The caller's identity provider cannot be reached; retry shortly");
    }
    throw error;
  }
}
