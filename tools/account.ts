import { z } from 'zod';
import { type ConnectionDescription, defineTool } from './define.js';
import { compact } from './shared.js';

const connectionOutput = {
  connected: z.boolean(),
  kind: z
    .enum(['oauth', 'api-token', 'access-token', 'none'])
    .describe('How this server reaches Confluence for you.'),
  account: z
    .object({ account_id: z.string().optional(), name: z.string().optional(), email: z.string().optional() })
    .optional(),
  sites: z
    .array(
      z.object({ cloud_id: z.string().optional(), name: z.string(), url: z.string(), default: z.boolean() }),
    )
    .optional(),
  scopes: z.array(z.string()).optional().describe('OAuth scopes you granted.'),
  access_token_expires_at: z.string().optional(),
  connected_at: z.string().optional(),
  connect_url: z.string().optional().describe('Open to connect, when not connected.'),
};

/** A connection as the account tools report it, in the snake_case of every tool's output. */
function projectConnection(d: ConnectionDescription) {
  const account = d.account
    ? compact({ account_id: d.account.accountId, name: d.account.name, email: d.account.email })
    : undefined;
  return compact({
    connected: d.connected,
    kind: d.kind,
    account,
    sites: d.sites?.map((s) => ({
      ...(s.cloudId !== undefined ? { cloud_id: s.cloudId } : {}),
      name: s.name,
      url: s.url,
      default: s.default,
    })),
    scopes: d.scopes,
    access_token_expires_at: d.accessTokenExpiresAt,
    connected_at: d.connectedAt,
    connect_url: d.connectUrl,
  });
}

export const getConnectionTool = defineTool({
  name: 'confluence_get_connection',
  title: 'Show my Confluence connection',
  description:
    'Shows your connection: account, sites (default first), granted scopes, token expiry. When not connected, gives the link to connect.',
  toolset: 'account',
  input: {},
  output: connectionOutput,
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  scopes: [],
  async handler(_args, ctx) {
    const d = await ctx.account.describe();
    if (!d.connected) {
      const how = d.connectUrl ? `Open this link to connect your Atlassian account: ${d.connectUrl}` : '';
      return { text: `Not connected to Confluence. ${how}`.trim(), structured: projectConnection(d) };
    }
    const lines = [
      `Connected to Confluence (${d.kind})${d.account?.name ? ` as ${d.account.name}` : ''}${d.account?.email ? ` <${d.account.email}>` : ''}.`,
      ...(d.sites ?? []).map((s) => `- ${s.name} ${s.url}${s.default ? ' (default)' : ''}`),
      d.scopes ? `Scopes: ${d.scopes.join(', ')}` : '',
      d.accessTokenExpiresAt
        ? `Access token valid until ${d.accessTokenExpiresAt} (renewed automatically).`
        : '',
    ];
    return { text: lines.filter(Boolean).join('\n'), structured: projectConnection(d) };
  },
});

export const disconnectTool = defineTool({
  name: 'confluence_disconnect',
  title: 'Disconnect my Confluence account',
  description:
    'Forgets your Atlassian connection here; later calls ask you to connect. To revoke the app too, remove it under Connected apps in your Atlassian account.',
  toolset: 'account',
  input: {},
  output: { disconnected: z.boolean().describe('False when there was no connection to forget.') },
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  scopes: [],
  async handler(_args, ctx) {
    const disconnected = await ctx.account.disconnect();
    return {
      text: disconnected
        ? 'Disconnected: your Atlassian tokens were deleted from this server. To revoke the app itself, use your Atlassian account settings (Connected apps).'
        : 'There was no Atlassian connection to forget.',
      structured: { disconnected },
    };
  },
});
