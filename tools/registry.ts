import { randomUUID } from 'node:crypto';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Toolset } from '../src/config/schema.js';
import type { ConfluenceClient } from '../src/confluence/client.js';
import type { Logger } from '../src/log.js';
import type { AnyToolDefinition, ToolLimits } from './define.js';
import { describeExpectedError, toolErrorResult } from './errors.js';
import { getPageTool, listPagesTool } from './pages.js';
import { searchTool } from './search.js';
import { listSpacesTool } from './spaces.js';

/** Every tool this server has, in the order clients see them. */
export const ALL_TOOLS: readonly AnyToolDefinition[] = [
  getPageTool,
  listPagesTool,
  listSpacesTool,
  searchTool,
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

/** What running a tool needs from the server: the caller's Confluence client, bounds and a logger. */
export interface ToolRuntime {
  /** The client acting for the caller of this request (the MCP handler's `extra`). */
  clientFor(extra: { authInfo?: unknown; signal: AbortSignal }): Promise<ConfluenceClient>;
  limits: ToolLimits;
  log: Logger;
}

/**
 * Registers tools on an MCP server. The only tools module that knows the SDK: handlers get parsed arguments and
 * a ready context, and expected failures come back as `isError` results that say what to do next.
 */
export function registerTools(
  server: McpServer,
  tools: readonly AnyToolDefinition[],
  runtime: ToolRuntime,
): void {
  for (const tool of tools) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.input,
        outputSchema: tool.output,
        annotations: { title: tool.title, ...tool.annotations },
      },
      async (args: Record<string, unknown>, extra) => {
        const started = performance.now();
        try {
          const confluence = await runtime.clientFor(extra);
          const result = await tool.handler(args, {
            confluence,
            signal: extra.signal,
            limits: runtime.limits,
            log: runtime.log,
          });
          runtime.log.debug('tool call', { tool: tool.name, ms: Math.round(performance.now() - started) });
          return {
            content: [{ type: 'text' as const, text: result.text }],
            structuredContent: result.structured,
          };
        } catch (error) {
          // A cancelled call has no one waiting for its result.
          if (extra.signal.aborted) throw error;
          const incident = randomUUID().slice(0, 8);
          const expected = describeExpectedError(error) !== undefined;
          runtime.log[expected ? 'info' : 'error']('tool call failed', {
            tool: tool.name,
            incident,
            ms: Math.round(performance.now() - started),
            error: expected ? (error as Error).message : error,
          });
          return toolErrorResult(error, incident);
        }
      },
    );
  }
}
