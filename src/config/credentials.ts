import { z } from 'zod';
import type { ConfluenceAuth } from '../confluence/index.js';
import { ConfigError } from './load.js';

const siteCredentials = z.object({
  CONFLUENCE_SITE_URL: z.url({
    protocol: /^https?$/,
    error: 'expected the site URL, e.g. https://acme.atlassian.net',
  }),
  ATLASSIAN_EMAIL: z
    .string()
    .min(3, { error: 'expected the email of the Atlassian account the API token belongs to' }),
  ATLASSIAN_API_TOKEN: z.string().min(1, { error: 'expected a personal API token' }),
});

const bearerCredentials = z.object({
  ATLASSIAN_ACCESS_TOKEN: z.string().min(1),
  CONFLUENCE_CLOUD_ID: z.string().min(1, { error: 'expected the cloud id of the site the token is for' }),
});

/**
 * The single-user credential in the environment, if any: a personal API token (`CONFLUENCE_SITE_URL`,
 * `ATLASSIAN_EMAIL`, `ATLASSIAN_API_TOKEN`) or an OAuth access token (`ATLASSIAN_ACCESS_TOKEN`,
 * `CONFLUENCE_CLOUD_ID`, through `apiBaseUrl`). Half a credential is an error, not silence.
 */
export function credentialFromEnv(env: NodeJS.ProcessEnv, apiBaseUrl: string): ConfluenceAuth | undefined {
  if (env.ATLASSIAN_API_TOKEN || env.CONFLUENCE_SITE_URL || env.ATLASSIAN_EMAIL) {
    const parsed = siteCredentials.safeParse(env);
    if (!parsed.success) throw new ConfigError(describe('an API token', parsed.error));
    return {
      type: 'api-token',
      siteUrl: parsed.data.CONFLUENCE_SITE_URL,
      email: parsed.data.ATLASSIAN_EMAIL,
      apiToken: parsed.data.ATLASSIAN_API_TOKEN,
    };
  }
  if (env.ATLASSIAN_ACCESS_TOKEN || env.CONFLUENCE_CLOUD_ID) {
    const parsed = bearerCredentials.safeParse(env);
    if (!parsed.success) throw new ConfigError(describe('an access token', parsed.error));
    const token = parsed.data.ATLASSIAN_ACCESS_TOKEN;
    return { type: 'oauth', apiBaseUrl, cloudId: parsed.data.CONFLUENCE_CLOUD_ID, accessToken: () => token };
  }
  return undefined;
}

function describe(kind: string, error: z.ZodError): string {
  const lines = error.issues.map((issue) => `  - ${issue.path.join('.')}: ${issue.message}.`);
  return `Incomplete Confluence credentials for ${kind} in the environment:\n${lines.join('\n')}`;
}
