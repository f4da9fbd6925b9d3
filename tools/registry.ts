import { randomUUID } from 'node:crypto';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  type ClientCapabilities,
  ListToolsRequestSchema,
  type Tool,
  UrlElicitationRequiredError,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import {
  type Caller,
  type CallerSession,
  MissingScopeError,
  NotConnectedError,
  type SessionProvider,
} from '../src/auth/session.js';
import type { Toolset } from '../src/config/schema.js';
import type { GranularScope } from '../src/confluence/scopes.js';
import type { Logger } from '../src/log.js';
import { disconnectTool, getConnectionTool } from './account.js';
import type { AnyToolDefinition, ToolContext, ToolLimits, ToolPolicy } from './define.js';
import { describeExpectedError, toolErrorResult } from './errors.js';
import { addLabelsTool, findPagesByLabelTool, getLabelsTool, removeLabelTool } from './labels.js';
import { updatePageSectionTool } from './page-section.js';
import { getPageAncestorsTool, getPageChildrenTool, getPageDescendantsTool } from './page-tree.js';
import { getPageVersionsTool } from './page-versions.js';
import { createPageTool, deletePageTool, movePageTool, updatePageTool } from './page-write.js';
import { getPageTool, listPagesTool } from './pages.js';
import {
  getCurrentUserTool,
  getGroupMembersTool,
  getUsersTool,
  listGroupsTool,
  searchUsersTool,
} from './people.js';
import { searchTool } from './search.js';
import { getSiteInfoTool } from './site.js';
import { SpaceGuard } from './space-guard.js';
import { createSpaceTool, getSpaceTool, listSpacesTool } from './spaces.js';

/** Every tool this server has, in the order clients see them. */
export const ALL_TOOLS: readonly AnyToolDefinition[] = [
  searchTool,
  getPageTool,
  listPagesTool,
  getPageChildrenTool,
  getPageDescendantsTool,
  getPageAncestorsTool,
  getPageVersionsTool,
  createPageTool,
  updatePageTool,
  updatePageSectionTool,
  movePageTool,
  deletePageTool,
  listSpacesTool,
  getSpaceTool,
  createSpaceTool,
  getLabelsTool,
  findPagesByLabelTool,
  addLabelsTool,
  removeLabelTool,
  getCurrentUserTool,
  getUsersTool,
  searchUsersTool,
  listGroupsTool,
  getGroupMembersTool,
  getSiteInfoTool,
  getConnectionTool,
  disconnectTool,
];

/** The operator's choice of tools: which toolsets, and whether only read-only tools. */
export interface ToolSelection {
  toolsets: readonly Toolset[];
  readOnly: boolean;
}

/** The tools a selection offers. Read-only mode keeps exactly the tools annotated `readOnlyHint: true`. */
export function selectTools(
  tools: readonly AnyToolDefinition[],
  selection: ToolSelection,
): AnyToolDefinition[] {
  return tools.filter(
    (tool) =>
      selection.toolsets.includes(tool.toolset) && (!selection.readOnly || tool.annotations.readOnlyHint),
  );
}

/** The handler's view of a request, as much as the registry needs. */
export interface RequestExtra {
  authInfo?: { extra?: Record<string, unknown> } | undefined;
  signal: AbortSignal;
}

/** What running a tool needs from the server: how to reach Confluence for the caller, bounds and a logger. */
export interface ToolRuntime {
  sessions: SessionProvider;
  /** The verified caller of a request; undefined when the transport has none (then sessions decide). */
  callerOf(extra: RequestExtra): Caller | undefined;
  /** Capabilities the caller's client declared at initialize, for transports that cannot keep them (stateless). */
  rememberedCapabilities?(caller: Caller | undefined): Promise<ClientCapabilities | undefined>;
  limits: ToolLimits;
  policy: ToolPolicy;
  log: Logger;
}

/** Added to every tool that calls Confluence: connections can reach several sites. */
const siteArgument = z
  .string()
  .min(1)
  .max(500)
  .optional()
  .describe('Site name, URL or cloud id; default: the site of a page URL you give, else your first site.');

/**
 * The scopes a call needs under the operator's policy: the tool's own, and with space bounds set, read:space for
 * every tool that reads pages, because each page is judged by its space's key and v2 pages carry only a space id.
 */
export function requiredScopes(tool: AnyToolDefinition, policy: ToolPolicy): readonly GranularScope[] {
  const bounded = policy.spaces.allow.length > 0 || policy.spaces.deny.length > 0;
  if (
    !bounded ||
    !tool.scopes.includes('read:page:confluence') ||
    tool.scopes.includes('read:space:confluence')
  )
    return tool.scopes;
  return [...tool.scopes, 'read:space:confluence'];
}

/** Text cut to the operator's maximum result size, saying so and how to get less. */
export function bounded(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = `\n[cut: ${text.length - max} more characters; ask for less (a smaller limit, or the next page)]`;
  return text.slice(0, Math.max(0, max - note.length)) + note;
}

/** A tool's input shape as clients see it: tools that call Confluence also take `site`. */
function inputShape(tool: AnyToolDefinition): z.ZodRawShape {
  return tool.scopes.length > 0 ? { ...tool.input, site: siteArgument } : tool.input;
}

// JSON Schema noise that says nothing a client needs: the dialect, the safe-integer range of every integer, and
// (in results, which the server writes) the closing of every object.
function tidy(schema: unknown, output = false): unknown {
  if (Array.isArray(schema)) return schema.map((s) => tidy(s, output));
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$schema' || (output && key === 'additionalProperties' && value === false)) continue;
    if (
      (key === 'minimum' && value === Number.MIN_SAFE_INTEGER) ||
      (key === 'maximum' && value === Number.MAX_SAFE_INTEGER)
    ) {
      continue;
    }
    out[key] = tidy(value, output);
  }
  return out;
}

const published = new WeakMap<readonly AnyToolDefinition[], Tool[]>();

/**
 * The tools/list answer for a set of tools, computed once and shared by every server instance: stateless HTTP
 * builds a server per request, and converting 27 schemas on each tools/list would be wasted work.
 */
export function publishedTools(tools: readonly AnyToolDefinition[]): Tool[] {
  let list = published.get(tools);
  if (!list) {
    list = tools.map((tool) => ({
      name: tool.name,
      title: tool.title,
      description: tool.description,
      inputSchema: tidy(z.toJSONSchema(z.object(inputShape(tool)), { io: 'input' })) as Tool['inputSchema'],
      outputSchema: tidy(
        z.toJSONSchema(z.object(tool.output), { io: 'output' }),
        true,
      ) as Tool['outputSchema'],
      annotations: { ...tool.annotations },
    }));
    published.set(tools, list);
  }
  return list;
}

/**
 * Registers tools on an MCP server. The only tools module that knows the SDK: handlers get parsed arguments and
 * a ready context; a caller who must connect first is asked to (URL elicitation where the client supports it);
 * expected failures come back as `isError` results that say what to do next.
 */
export function registerTools(
  server: McpServer,
  tools: readonly AnyToolDefinition[],
  runtime: ToolRuntime,
): void {
  const { sessions, log } = runtime;

  async function canElicitUrl(caller: Caller | undefined): Promise<boolean> {
    const capabilities =
      server.server.getClientCapabilities() ??
      (await runtime.rememberedCapabilities?.(caller).catch(() => undefined));
    return Boolean(capabilities?.elicitation && 'url' in capabilities.elicitation);
  }

  for (const tool of tools) {
    const usesConfluence = tool.scopes.length > 0;
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: inputShape(tool),
        outputSchema: tool.output,
        annotations: tool.annotations,
      },
      async (args: Record<string, unknown>, extra) => {
        const started = performance.now();
        const caller = runtime.callerOf(extra);
        try {
          let session: CallerSession | undefined;
          if (usesConfluence) {
            const urls = (tool.pageReferences ?? [])
              .map((name) => args[name])
              .filter((value): value is string => typeof value === 'string');
            session = await sessions.session(
              caller,
              { named: args.site as string | undefined, urls },
              extra.signal,
            );
            const needed = requiredScopes(tool, runtime.policy);
            const missing = session.grantedScopes
              ? needed.filter((s) => !session?.grantedScopes?.has(s))
              : [];
            if (missing.length) {
              throw new MissingScopeError(missing, caller && (await sessions.connectUrl?.(caller)));
            }
          }
          const guard = session
            ? new SpaceGuard(runtime.policy.spaces, session.confluence, extra.signal)
            : undefined;
          const ctx: ToolContext = {
            get confluence() {
              if (!session)
                throw new Error(`${tool.name} declares no scopes, so it has no Confluence client`);
              return session.confluence;
            },
            get spaces() {
              if (!guard) throw new Error(`${tool.name} declares no scopes, so it reaches no space`);
              return guard;
            },
            siteUrl: session?.siteUrl,
            policy: runtime.policy,
            account: {
              describe: () => sessions.describe(caller),
              disconnect: () => sessions.disconnect(caller),
            },
            signal: extra.signal,
            limits: runtime.limits,
            log,
          };
          const result = await tool.handler(args, ctx);
          log.debug('tool call', { tool: tool.name, ms: Math.round(performance.now() - started) });
          return {
            content: [{ type: 'text' as const, text: bounded(result.text, runtime.limits.maxResultChars) }],
            structuredContent: result.structured,
          };
        } catch (error) {
          // A cancelled call has no one waiting for its result.
          if (extra.signal.aborted) throw error;
          if (error instanceof NotConnectedError && error.connectUrl && (await canElicitUrl(caller))) {
            throw new UrlElicitationRequiredError([
              {
                mode: 'url',
                url: error.connectUrl,
                message: `${error.message} Connect your Atlassian account to use Confluence.`,
                elicitationId: randomUUID(),
              },
            ]);
          }
          const incident = randomUUID().slice(0, 8);
          const expected = describeExpectedError(error) !== undefined;
          log[expected ? 'info' : 'error']('tool call failed', {
            tool: tool.name,
            incident,
            ms: Math.round(performance.now() - started),
            error: expected ? (error as Error).name : error,
          });
          return toolErrorResult(error, incident);
        }
      },
    );
  }
  server.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: publishedTools(tools) }));
}
