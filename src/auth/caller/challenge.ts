/** What goes into a `WWW-Authenticate: Bearer` challenge. */
export interface BearerChallenge {
  /** Where the protected-resource metadata is (RFC 9728 section 5.1). */
  resourceMetadataUrl: string;
  error?: 'invalid_token' | 'insufficient_scope' | 'invalid_request';
  /** Human-readable; characters RFC 6750 does not allow (quotes, backslashes, non-ASCII) are dropped. */
  description?: string;
  /** Space-separated scopes needed, for `insufficient_scope`. */
  scope?: string;
}

const ERROR_CODES = new Set(['invalid_token', 'insufficient_scope', 'invalid_request']);
const MAX_DESCRIPTION_LENGTH = 200;

// RFC 6750 section 3: error_description is %x20-21 / %x23-5B / %x5D-7E; a scope token drops the space too.
const clean = (text: string) =>
  text
    .replace(/[\t\r\n]+/g, ' ')
    .replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, '')
    .replace(/ {2,}/g, ' ')
    .trim();

/**
 * The `WWW-Authenticate` value for a 401 or 403 from this resource server (RFC 6750 and RFC 9728). Every value is
 * quoted and stripped of what would break out of the quotes, so untrusted text cannot inject parameters.
 */
export function wwwAuthenticate(params: BearerChallenge): string {
  const parts: string[] = [];
  if (params.error !== undefined && ERROR_CODES.has(params.error)) parts.push(`error="${params.error}"`);
  const description = clean(params.description ?? '').slice(0, MAX_DESCRIPTION_LENGTH);
  if (description) parts.push(`error_description="${description}"`);
  const scope = (params.scope ?? '')
    .split(/\s+/)
    .map((s) => s.replace(/[^\x21\x23-\x5b\x5d-\x7e]/g, ''))
    .filter(Boolean)
    .join(' ');
  if (scope) parts.push(`scope="${scope}"`);
  parts.push(`resource_metadata="${clean(new URL(params.resourceMetadataUrl).href)}"`);
  return `Bearer ${parts.join(', ')}`;
}
