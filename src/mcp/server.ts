import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  isInitializeRequest,
  LATEST_PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
} from '@modelcontextprotocol/sdk/types.js';
import type { AnyToolDefinition } from '../../tools/index.js';
import { PACKAGE } from '../paths.js';
import { callerOf } from './context.js';
import { type DynamicToolsets, ENABLE_TOOLSET, registerDynamicToolsets } from './dynamic.js';
import { registerTools, type ToolRuntime } from './registry.js';
import { sharedValidator } from './validator.js';

const INSTRUCTIONS = `Tools for Confluence Cloud, acting as the connected user with their permissions.
Find content with confluence_search (plain text or CQL) or confluence_list_pages; read a page with confluence_get_page (Markdown by default).
Lists page with cursor/limit: pass next_cursor back as cursor (same other arguments) for more.
Every Confluence tool takes an optional site (name, URL or cloud id; confluence_get_connection lists yours); without it, a call acts on the site of a page URL it is given, else on your first site.`;

/**
 * The protocol versions the SDK's server negotiates: it echoes a supported version a client asks for and offers the
 * latest otherwise. The stdio front (src/start) answers initialize the same way without loading the SDK.
 */
export const PROTOCOL_VERSIONS = { supported: SUPPORTED_PROTOCOL_VERSIONS, latest: LATEST_PROTOCOL_VERSION };

/** What a server factory serves: the offered tools, and how their calls run. */
export interface ServerOptions extends ToolRuntime {
  tools: readonly AnyToolDefinition[];
  /** Dynamic toolsets (`tools.dynamic`): the list starts small and the model enables what it needs. */
  dynamic?: DynamicToolsets | undefined;
}

/**
 * Makes MCP servers: one per connection (stdio) or one per request (stateless HTTP). A transport needs nothing
 * else from the MCP side: it hands its SDK transport to {@link ServerFactory.connect} and closes what it gets.
 */
export interface ServerFactory {
  /** How many tools each server offers, for the transports' start-up logs. */
  readonly toolCount: number;
  /** Tools whose calls send notifications before their answer: over HTTP they need an SSE stream. */
  readonly notifyingTools: ReadonlySet<string>;
  /**
   * A new server with the tools registered, connected to `transport`; closing it closes the transport too. Given the
   * names of the tools the request calls (`calls`, when it only calls tools), only those are registered: a server
   * that answers one call needs no other, and registering all of them is most of what building one costs.
   */
  connect(transport: Transport, calls?: ReadonlySet<string>): Promise<McpServer>;
}

/**
 * Remembers the capabilities an `initialize` declares, before the server answers it: with stateless HTTP the next
 * request reaches a new server (maybe on another instance) that must still know whether the client can open URLs.
 * A store that cannot keep them is logged and the initialize goes on.
 */
function rememberCapabilitiesOf(transport: Transport, options: ServerOptions): void {
  const memory = options.capabilities;
  const deliver = transport.onmessage;
  if (!memory || !deliver) return;
  transport.onmessage = (message, extra) => {
    // The method first: parsing every message against the initialize schema took about 0.5% of a call's CPU.
    if ((message as { method?: unknown }).method !== 'initialize' || !isInitializeRequest(message))
      return deliver(message, extra);
    const caller = callerOf(extra?.authInfo) ?? options.defaultCaller;
    if (!caller) return deliver(message, extra);
    memory
      .remember(caller, message.params.capabilities)
      .catch((error: unknown) => {
        options.log.warn('could not remember client capabilities', { error: (error as Error).message });
      })
      .finally(() => deliver(message, extra));
  };
}

/**
 * The server factory for a set of tools and a runtime. Servers are cheap to build (the tools/list answer is
 * computed once and shared), which stateless HTTP needs: it builds one per request.
 */
export function createServer(options: ServerOptions): ServerFactory {
  // The SDK builds an Ajv instance per server (0.3 ms, tens of ms for the first) unless given one; Ajv keeps
  // nothing per request, only compiled schemas, so every server shares one, built when first used (validator.ts).
  return {
    toolCount: options.tools.length,
    notifyingTools: new Set(options.dynamic ? [ENABLE_TOOLSET] : []),
    async connect(transport, calls) {
      const server = new McpServer(
        { name: PACKAGE.name, version: PACKAGE.version, title: 'Confluence' },
        {
          capabilities: { tools: {}, logging: {} },
          instructions: INSTRUCTIONS,
          jsonSchemaValidator: sharedValidator,
        },
      );
      registerTools(server, options.tools, options, calls);
      if (options.dynamic)
        registerDynamicToolsets(server, options.tools, options.dynamic, options.defaultCaller);
      await server.connect(transport);
      rememberCapabilitiesOf(transport, options);
      return server;
    },
  };
}
