import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { type AnyToolDefinition, idInput } from '../../tools/index.js';

/** Added to every tool that calls Confluence: connections can reach several sites. */
const siteArgument = idInput(z.string().min(1).max(500))
  .optional()
  .describe('Site name, URL or cloud id; default: the site of a page URL you give, else your first site.');

/** A tool's input shape as clients see it: tools that call Confluence also take `site`. */
export function inputShape(tool: AnyToolDefinition): z.ZodRawShape {
  return tool.scopes.length > 0 ? { ...tool.input, site: siteArgument } : tool.input;
}

/** A tool's input and output as zod objects, the form the SDK validates with. */
export interface ToolSchemas {
  input: z.ZodObject;
  output: z.ZodObject;
}

const schemas = new WeakMap<AnyToolDefinition, ToolSchemas>();

/**
 * The zod objects of a tool, built once per definition: handing the SDK raw shapes makes it build 54 objects
 * for every server, and stateless HTTP builds a server for every request.
 */
export function toolSchemas(tool: AnyToolDefinition): ToolSchemas {
  let built = schemas.get(tool);
  if (!built) {
    built = { input: z.object(inputShape(tool)), output: z.object(tool.output) };
    schemas.set(tool, built);
  }
  return built;
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
      inputSchema: tidy(z.toJSONSchema(toolSchemas(tool).input, { io: 'input' })) as Tool['inputSchema'],
      outputSchema: tidy(
        z.toJSONSchema(toolSchemas(tool).output, { io: 'output' }),
        true,
      ) as Tool['outputSchema'],
      annotations: { ...tool.annotations },
    }));
    published.set(tools, list);
  }
  return list;
}
