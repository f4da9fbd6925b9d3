import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ListToolsRequestSchema, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { type AnyToolDefinition, TOOLSETS, type Toolset } from '../../tools/index.js';
import type { Caller } from '../auth/index.js';
import { callerOf } from './context.js';
import { publishedTools } from './published.js';

/** What each toolset is for, as `confluence_list_toolsets` tells the model. */
const TOOLSET_PURPOSE: Record<Toolset, string> = {
  pages: 'read, list, create, update, move and delete pages; page trees and versions',
  spaces: 'list, show and create spaces',
  search: 'search pages by text or CQL',
  labels: 'list, find by, add and remove labels',
  users: 'the current user, look up and search users',
  groups: 'list groups and their members',
  site: 'the site: title, URL, edition, locale',
  account: 'your Atlassian connection: show it, or disconnect',
};

/** The discovery tools' names: their calls change the tool list, so they need a stream for the notification. */
export const LIST_TOOLSETS = 'confluence_list_toolsets';
export const ENABLE_TOOLSET = 'confluence_enable_toolset';

/** Callers whose enabled toolsets are kept; the least recently active go first. */
const MAX_CALLERS = 10_000;

/**
 * Dynamic toolsets (`tools.dynamic`): the tool list starts with two discovery tools, and the model enables the
 * toolsets it needs, each announced with `notifications/tools/list_changed`. It trims what is listed, not what
 * may be called: a call to a tool of a toolset not enabled still runs (the operator's toolsets and read-only mode
 * decide what may run). What each caller enabled is kept in this process for as long as it serves (bounded by
 * count): a stdio client keeps it for its session; behind a load balancer, a caller whose request reaches
 * another instance sees the starting list there and enables again.
 */
export class DynamicToolsets {
  readonly #enabled = new Map<string, Set<Toolset>>();

  /** The toolsets a caller has enabled (none for no caller). */
  enabled(caller: Caller | undefined): ReadonlySet<Toolset> {
    return (caller && this.#enabled.get(caller.userKey)) || new Set();
  }

  /** Enables a toolset for a caller; false when it was already enabled. */
  enable(caller: Caller, toolset: Toolset): boolean {
    const set = this.#enabled.get(caller.userKey) ?? new Set<Toolset>();
    this.#enabled.delete(caller.userKey);
    this.#enabled.set(caller.userKey, set);
    if (this.#enabled.size > MAX_CALLERS) this.#enabled.delete(this.#enabled.keys().next().value as string);
    if (set.has(toolset)) return false;
    set.add(toolset);
    return true;
  }
}

/**
 * Registers the discovery tools and answers tools/list with them and the tools of the caller's enabled toolsets.
 * `tools` are the operator's selection: only their toolsets can be enabled.
 */
export function registerDynamicToolsets(
  server: McpServer,
  tools: readonly AnyToolDefinition[],
  state: DynamicToolsets,
  defaultCaller: Caller | undefined,
): void {
  const offered = TOOLSETS.filter((set) => tools.some((tool) => tool.toolset === set));
  const callerOfRequest = (authInfo: Parameters<typeof callerOf>[0]) => callerOf(authInfo) ?? defaultCaller;

  const listMeta = {
    title: 'List toolsets',
    description: `Lists the toolsets you can enable with ${ENABLE_TOOLSET}: name, purpose, tools, whether enabled. Start here.`,
    annotations: { readOnlyHint: true },
  };
  const enableMeta = {
    title: 'Enable a toolset',
    description: `Adds a toolset's tools to your tool list (see ${LIST_TOOLSETS}).`,
    annotations: { readOnlyHint: true, idempotentHint: true },
  };
  const toolsetArgument = z.enum(offered as [Toolset, ...Toolset[]]).describe('The toolset to enable.');

  server.registerTool(LIST_TOOLSETS, { ...listMeta, inputSchema: {} }, async (_args, extra) => {
    const enabled = state.enabled(callerOfRequest(extra.authInfo));
    const toolsets = offered.map((name) => ({
      name,
      purpose: TOOLSET_PURPOSE[name],
      enabled: enabled.has(name),
      tools: tools.filter((tool) => tool.toolset === name).map((tool) => tool.name),
    }));
    const text = toolsets
      .map((t) => `${t.name}${t.enabled ? ' (enabled)' : ''}: ${t.purpose}. Tools: ${t.tools.join(', ')}`)
      .join('\n');
    return { content: [{ type: 'text', text }], structuredContent: { toolsets } };
  });

  server.registerTool(
    ENABLE_TOOLSET,
    { ...enableMeta, inputSchema: { toolset: toolsetArgument } },
    async ({ toolset }, extra) => {
      const caller = callerOfRequest(extra.authInfo);
      if (!caller) {
        return {
          content: [
            { type: 'text', text: 'This request carries no user identity; toolsets cannot be enabled.' },
          ],
          isError: true,
        };
      }
      const added = state.enable(caller, toolset);
      // Related to this request, so it travels on its stream (stateless HTTP has no other).
      if (added) await extra.sendNotification({ method: 'notifications/tools/list_changed' });
      const names = tools.filter((tool) => tool.toolset === toolset).map((tool) => tool.name);
      return {
        content: [
          {
            type: 'text',
            text: `${added ? 'Enabled' : 'Already enabled'}: ${toolset}. Its tools: ${names.join(', ')}.`,
          },
        ],
      };
    },
  );

  const discoveryList: Tool[] = [
    { name: LIST_TOOLSETS, ...listMeta, inputSchema: { type: 'object', properties: {} } },
    {
      name: ENABLE_TOOLSET,
      ...enableMeta,
      inputSchema: {
        type: 'object',
        properties: { toolset: { type: 'string', enum: offered, description: 'The toolset to enable.' } },
        required: ['toolset'],
      },
    },
  ];
  const all = publishedTools(tools);
  server.server.setRequestHandler(ListToolsRequestSchema, (_request, extra) => {
    const enabled = state.enabled(callerOfRequest(extra.authInfo));
    return {
      tools: [
        ...discoveryList,
        ...all.filter((_tool, i) => enabled.has((tools[i] as AnyToolDefinition).toolset)),
      ],
    };
  });
}
