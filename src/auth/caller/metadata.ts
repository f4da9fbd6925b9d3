/** RFC 9728 protected-resource metadata, as served at `/.well-known/oauth-protected-resource...`. */
export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers: string[];
  bearer_methods_supported: ['header'];
  scopes_supported?: string[];
  resource_name?: string;
  resource_documentation?: string;
}

const WELL_KNOWN = '/.well-known/oauth-protected-resource';

function absoluteUrl(value: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${what} is not an absolute URL`);
  }
  if (url.hash) throw new Error(`${what} must not have a fragment`);
  return url;
}

/**
 * The metadata document for this resource server. `resource` is kept exactly as given: RFC 9728 section 3.3 has
 * clients compare it with the URL they used, character for character.
 */
export function protectedResourceMetadata(params: {
  resource: string;
  authorizationServers: string[];
  scopesSupported?: string[];
  resourceName?: string;
  documentation?: string;
}): ProtectedResourceMetadata {
  absoluteUrl(params.resource, 'resource');
  if (params.authorizationServers.length === 0) throw new Error('authorizationServers must not be empty');
  for (const server of params.authorizationServers) absoluteUrl(server, 'an authorization server');
  return {
    resource: params.resource,
    authorization_servers: [...params.authorizationServers],
    // Tokens in the query string end up in logs, and form bodies do not fit JSON-RPC: the header only.
    bearer_methods_supported: ['header'],
    ...(params.scopesSupported?.length ? { scopes_supported: [...params.scopesSupported] } : {}),
    ...(params.resourceName ? { resource_name: params.resourceName } : {}),
    ...(params.documentation ? { resource_documentation: params.documentation } : {}),
  };
}

/**
 * Where to serve the metadata for `resourceUrl` (RFC 9728 section 3.1: the well-known segment goes between host and
 * path): the path-suffixed form (`/.well-known/oauth-protected-resource/mcp`) clients try first, the root form some
 * clients fall back to, and the full URL of the former for `resource_metadata` in challenges.
 */
export function resourceMetadataPaths(resourceUrl: string): {
  pathSuffixed: string;
  root: string;
  url: string;
} {
  const url = absoluteUrl(resourceUrl, 'resourceUrl');
  if (url.search) throw new Error('resourceUrl must not have a query');
  const path = url.pathname === '/' ? '' : url.pathname;
  const pathSuffixed = `${WELL_KNOWN}${path}`;
  return { pathSuffixed, root: WELL_KNOWN, url: `${url.origin}${pathSuffixed}` };
}
