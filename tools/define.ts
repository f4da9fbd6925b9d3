import type { z } from 'zod';
import type { ConfluenceClient, GranularScope } from '../src/confluence/index.js';
import type { Converter } from '../src/content/index.js';
import type { KindedError } from '../src/error-kind.js';
import type { Logger } from '../src/log.js';
import type { SpaceBounds, SpaceGuard } from './space-guard.js';

/** Groups of tools an operator can switch on or off. */
export const TOOLSETS = [
  'pages',
  'spaces',
  'search',
  'labels',
  'users',
  'groups',
  'site',
  'account',
] as const;
export type Toolset = (typeof TOOLSETS)[number];

/** Bounds a tool honours, from the operator's configuration. */
export interface ToolLimits {
  maxResultChars: number;
  defaultPageSize: number;
  maxPageSize: number;
}

/**
 * The caller's connection as the account tools read it (camelCase, never a token; times ISO 8601). The session
 * layer's description has this shape; the MCP edge hands it over, and the compiler checks the two agree there.
 */
export interface ConnectionDescription {
  connected: boolean;
  kind: 'oauth' | 'api-token' | 'access-token' | 'none';
  account?: { accountId?: string; name?: string; email?: string };
  sites?: { cloudId?: string; name: string; url: string; default: boolean }[];
  scopes?: string[];
  accessTokenExpiresAt?: string;
  connectedAt?: string;
  connectUrl?: string;
}

/** The caller's own connection, for the account tools. */
export interface AccountOps {
  describe(): Promise<ConnectionDescription>;
  /** Forgets the caller's connection; false when there was none to forget. */
  disconnect(): Promise<boolean>;
}

/** Operator rules every tool obeys. */
export interface ToolPolicy {
  spaces: SpaceBounds;
  /** Whether deletes may purge from the trash for good. */
  allowPurge: boolean;
}

/** What a tool handler gets besides its arguments: a ready Confluence client for the caller, and bounds. */
export interface ToolContext {
  /** Acts as the caller on the chosen site. Only tools that declare scopes get one. */
  confluence: ConfluenceClient;
  /** The operator's space bounds, to check every space a tool reads, writes or searches. */
  spaces: SpaceGuard;
  /** The URL of the site the call acts on, when the connection knows it. */
  siteUrl?: string | undefined;
  policy: ToolPolicy;
  account: AccountOps;
  /** Aborts when the MCP request is cancelled; pass it to every Confluence call. */
  signal: AbortSignal;
  limits: ToolLimits;
  /** Storage format <-> Markdown; large bodies convert off the event loop. Pass `signal` along. */
  convert: Converter;
  log: Logger;
}

/** A successful tool answer: compact text for the model, and the same facts as `structuredContent`. */
export interface ToolResult<O> {
  text: string;
  structured: O;
}

export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

/** One MCP tool, as data: everything the registry needs to offer, gate and run it. */
export interface ToolDefinition<
  I extends z.ZodRawShape = z.ZodRawShape,
  O extends z.ZodRawShape = z.ZodRawShape,
> {
  name: `confluence_${string}`;
  title: string;
  /** Written for the model: what it returns and when to use it. */
  description: string;
  toolset: Toolset;
  input: I;
  output: O;
  annotations: ToolAnnotations;
  /** The granular OAuth scopes every call needs; none means the tool never calls Confluence (account tools). */
  scopes: readonly GranularScope[];
  /**
   * The arguments that hold page references (id, page URL or tiny link). A URL names its site: the call acts on
   * that site among the caller's, and a URL on none of them, or URLs on different sites, are refused.
   */
  pageReferences?: readonly (keyof I & string)[];
  // A method, not a function property: method parameters are bivariant, so every tool fits AnyToolDefinition.
  handler(args: z.output<z.ZodObject<I>>, ctx: ToolContext): Promise<ToolResult<z.input<z.ZodObject<O>>>>;
}

/** A tool of any shape, for lists of tools. */
export type AnyToolDefinition = ToolDefinition<z.ZodRawShape, z.ZodRawShape>;

/** Declares a tool; only there so TypeScript infers the handler's argument and result types from the schemas. */
export function defineTool<I extends z.ZodRawShape, O extends z.ZodRawShape>(
  definition: ToolDefinition<I, O>,
): ToolDefinition<I, O> {
  return definition;
}

/** A caller mistake the schema could not express (e.g. two arguments that exclude each other). */
export class ToolInputError extends Error implements KindedError {
  override readonly name = 'ToolInputError';
  readonly kind = 'invalid-input';
}

/** The tool chose not to act, to protect content or follow the operator's rules; the message says why and what next. */
export class ToolRefusal extends Error implements KindedError {
  override readonly name = 'ToolRefusal';
  readonly kind = 'refused';
}
