import type { Sandbox } from './server.js';

/** The sandbox demo user's personal API token, as the environment variables stdio reads. */
export function apiTokenEnv(sandbox: Sandbox): Record<string, string> {
  return {
    CONFLUENCE_SITE_URL: sandbox.url,
    ATLASSIAN_EMAIL: sandbox.demoUser.email,
    ATLASSIAN_API_TOKEN: sandbox.demoUser.apiToken ?? '',
  };
}

/** A fresh 24-hour gateway access token with every scope, as environment variables. */
function accessTokenEnv(sandbox: Sandbox): Record<string, string> {
  return {
    ATLASSIAN_ACCESS_TOKEN: sandbox.mintAccessToken(sandbox.demoUser.accountId, undefined, 24 * 3600),
    CONFLUENCE_CLOUD_ID: sandbox.site.cloudId,
    CONFLUENCE_API_BASE_URL: sandbox.url,
  };
}

const env = (vars: Record<string, string>) =>
  Object.entries(vars)
    .map(([k, v]) => `    ${k}=${v}`)
    .join('\n');

/** What `confluence-mcp sandbox` prints: where the fake lives and credentials that work against it. */
export function sandboxBanner(sandbox: Sandbox): string {
  return `Confluence Cloud sandbox running (site "${sandbox.site.siteTitle}", ${sandbox.site.pages.size} pages).

  Site (API tokens):      ${sandbox.url}/wiki            e.g. ${sandbox.url}/wiki/api/v2/spaces
  Gateway (OAuth tokens): ${sandbox.url}/ex/confluence/${sandbox.site.cloudId}/wiki
  OAuth server:           ${sandbox.url}/authorize, ${sandbox.url}/oauth/token
  Caller identity (IdP):  issuer ${sandbox.idp.issuer}, JWKS ${sandbox.idp.jwksUrl}

  As ${sandbox.demoUser.displayName}, with a personal API token:
${env(apiTokenEnv(sandbox))}
  Or with an OAuth access token (all 13 scopes, valid 24 h):
${env(accessTokenEnv(sandbox))}
  OAuth app: client id ${sandbox.client.clientId}, client secret ${sandbox.client.clientSecret}
    callback URLs: ${sandbox.client.redirectUris.join(', ') || 'none (register some: POST /__sandbox/clients)'}
  Test knobs: POST ${sandbox.url}/__sandbox/faults with header x-sandbox-admin: ${sandbox.adminKey}

Press Ctrl+C to stop.
`;
}
