import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { type AnyToolDefinition, idInput } from '../../tools/index.js';

/**
 * Added to every tool that calls Confluence: connections can reach several sites. It has no description of its
 * own: 25 copies of one would cost 1 KB of every conversation, and the server's instructions say it once.
 */
const siteArgument = idInput(z.string().min(1).max(500)).optional();

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

type Schema = Record<string, unknown>;

const isObject = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// An id argument (idInput) is a union of a bounded string and a whole number. It is published as a string, what
// ids are; a client that sends a number anyway (the Inspector does for digits) is still understood.
function idUnion(schema: Schema): Schema | undefined {
  const options = schema.anyOf;
  if (!Array.isArray(options) || options.length !== 2) return undefined;
  const [text, number] = options as unknown[];
  if (!isObject(text) || !isObject(number) || text.type !== 'string' || number.type !== 'integer') {
    return undefined;
  }
  if (Object.keys(text).some((k) => !['type', 'minLength', 'maxLength', 'pattern'].includes(k)))
    return undefined;
  const { anyOf: _, ...rest } = schema;
  return { type: 'string', ...rest };
}

/**
 * The input schema as the model reads it, without the bytes that tell it nothing: the dialect, the safe-integer
 * range of every integer, a string's `minLength: 1` and any `maxLength` of 200 or more (the server checks them
 * and says what is wrong), and id arguments' union of string and number (see idUnion). What a model can act
 * on stays: enums, defaults, small bounds, required arguments and every description.
 */
function tidy(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(tidy);
  if (!isObject(schema)) return schema;
  const merged = idUnion(schema) ?? schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(merged)) {
    if (key === '$schema') continue;
    if (key === 'minimum' && value === Number.MIN_SAFE_INTEGER) continue;
    if (key === 'maximum' && value === Number.MAX_SAFE_INTEGER) continue;
    if (key === 'minLength' && typeof value === 'number' && value <= 1) continue;
    if (key === 'maxLength' && typeof value === 'number' && value >= 200) continue;
    out[key] = tidy(value);
  }
  return out;
}

/**
 * Annotations without the hints that only repeat the spec's defaults for an absent hint (openWorldHint true,
 * idempotentHint false; destructiveHint and idempotentHint only mean something when readOnlyHint is false). readOnlyHint is always
 * kept: its default is false, and read-only mode is judged by it.
 */
function publishedAnnotations(hints: AnyToolDefinition['annotations']): AnyToolDefinition['annotations'] {
  const out: AnyToolDefinition['annotations'] = { readOnlyHint: hints.readOnlyHint };
  if (!hints.readOnlyHint && hints.destructiveHint !== undefined) out.destructiveHint = hints.destructiveHint;
  if (!hints.readOnlyHint && hints.idempotentHint) out.idempotentHint = true;
  if (hints.openWorldHint === false) out.openWorldHint = false;
  return out;
}

const published = new WeakMap<readonly AnyToolDefinition[], Tool[]>();

/**
 * The tools/list answer for a set of tools, computed once and shared by every server instance: stateless HTTP
 * builds a server per request, and converting 27 schemas on each tools/list would be wasted work.
 *
 * Output schemas are not published: they were a quarter of the list (10 KB, on every conversation), and the
 * text of each result already tells the model the same facts. Results still carry `structuredContent`, checked
 * against each tool's output schema by the server.
 */
export function publishedTools(tools: readonly AnyToolDefinition[]): Tool[] {
  let list = published.get(tools);
  if (!list) {
    list = tools.map((tool) => ({
      name: tool.name,
      title: tool.title,
      description: tool.description,
      inputSchema: tidy(z.toJSONSchema(toolSchemas(tool).input, { io: 'input' })) as Tool['inputSchema'],
      annotations: publishedAnnotations(tool.annotations),
    }));
    published.set(tools, list);
  }
  return list;
}
