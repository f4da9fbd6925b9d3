import type { Caller } from '../session.js';
import type { VerifiedCaller } from './verify.js';

/**
 * The caller a verified token proves, named as the connect pages show them: by what the identity provider vouches
 * for (the email only when the token says it was verified, else the subject at its issuer), with the display name,
 * which the token's holder may have chosen, kept apart as secondary text.
 */
export function callerFromToken(verified: VerifiedCaller): Caller {
  const email = verified.emailVerified ? verified.claims.email : undefined;
  const claimedName = verified.claims.name ?? verified.claims.preferred_username;
  return {
    userKey: verified.userKey,
    label: email ?? `${verified.subject} at ${verified.issuer}`,
    issuer: verified.issuer,
    subject: verified.subject,
    ...(email ? { verifiedEmail: email } : {}),
    ...(claimedName ? { claimedName } : {}),
  };
}
