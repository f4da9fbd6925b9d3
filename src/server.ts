import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { AnyToolDefinition } from '../tools/define.js';
import { ALL_TOOLS, registerTools, selectTools, type ToolRuntime } from '../tools/registry.js';
import type { Config } from './config/schema.js';
import { OFFLINE_ACCESS } from './confluence/scopes.js';
import { PACKAGE } from './paths.js';

const INSTRUCTIONS = `Tools for Confluence Cloud, acting as the connected user with their permissions.
Find content with confluence_search (plain text or CQL) or confluence_list_pages; read a page with confluence_get_page (Markdown by default).
Lists page with cursor/limit: pass next_cursor back as cursor for more.`;

/** The tools a configuration offers, computed once and shared by every server instance. */
export function configuredTools(config: Config): AnyToolDefinition[] {
  return selectTools(ALL_TOOLS, config.tools);
}

/**
 * The OAuth scopes to ask Atlassian for: the configured ones, narrowed in read-only mode to those the offered tools
 * declare (plus offline_access, for refresh tokens), so a read-only server never holds a token that can write.
 */
export function requestedScopes(config: Config, tools: readonly AnyToolDefinition[]): string[] {
  if (!config.tools.readOnly) return [...config.atlassian.scopes];
  const needed = new Set<string>([OFFLINE_ACCESS, ...tools.flatMap((tool) => tool.scopes)]);
  return config.atlassian.scopes.filter((scope) => needed.has(scope));
}

/**
 * A new MCP server with the configured tools. Cheap enough to build per request, which stateless HTTP needs
 * (a stateless transport serves one request).
 */
export function createServer(tools: readonly AnyToolDefinition[], runtime: ToolRuntime): McpServer {
  const server = new McpServer(
    { name: PACKAGE.name, version: PACKAGE.version, title: 'Confluence' },
    { capabilities: { tools: {}, logging: {} }, instructions: INSTRUCTIONS },
  );
  registerTools(server, tools, runtime);
  return server;
}
