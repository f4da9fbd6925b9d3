import { randomUUID } from 'node:crypto';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ListToolsRequestSchema, UrlElicitationRequiredError } from '@modelcontextprotocol/sdk/types.js';
import {
  type AnyToolDefinition,
  SpaceGuard,
  type ToolContext,
  type ToolLimits,
  type ToolPolicy,
} from '../../tools/index.js';
import { type Caller, type CallerSession, MissingScopeError, type SessionProvider } from '../auth/index.js';
import { callSignal, type GranularScope } from '../confluence/index.js';
import { type Converter, inlineConverter } from '../content/index.js';
import { isKindedError } from '../error-kind.js';
import type { Logger } from '../log.js';
import type { CapabilityMemory } from './capabilities.js';
import { callerOf } from './context.js';
import { describeExpectedError, toolErrorResult } from './errors.js';
import type { FairQueue } from './fairness.js';
import { type CallObserving, failureKind, markFailed, observed } from './observe.js';
import { publishedTools, toolSchemas } from './published.js';

/** What running tools needs: how calls reach Confluence for each caller, the operator's rules, and a logger. */
export interface ToolRuntime extends CallObserving {
  sessions: SessionProvider;
  limits: ToolLimits;
  policy: ToolPolicy;
  log: Logger;
  /**
   * Who a request acts as when its transport attached no verified caller: the local user on stdio. Without it
   * such a request has no caller, and the session provider decides what that means.
   */
  defaultCaller?: Caller;
  /** Client capabilities remembered across requests, for transports that forget them (stateless HTTP). */
  capabilities?: CapabilityMemory;
  /** The time one call has, retries included; its requests are aborted past it. None when absent. */
  callDeadlineMs?: number;
  /** Conversions for tools; everything on the event loop when absent. */
  converter?: Converter;
  /** Admits calls per user in turn (a server shared by users); every call runs at once when absent. */
  fairness?: FairQueue;
}

const INLINE = inlineConverter();

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

/** The page URLs among a call's arguments: they choose the site the call acts on. */
function pageUrls(tool: AnyToolDefinition, args: Record<string, unknown>): string[] {
  return (tool.pageReferences ?? [])
    .map((name) => args[name])
    .filter((value): value is string => typeof value === 'string');
}

/**
 * The -32042 error asking the client to open the connect page. Its message goes on the wire as it is, and the
 * client's McpError puts "MCP error -32042: " in front; the SDK's constructor already put that prefix in, so it is
 * taken back out here, or clients would show it twice.
 */
export function urlElicitation(url: string, reason: string): UrlElicitationRequiredError {
  const message =
    'Connect your Atlassian account to use Confluence: open the link, approve, then call again.';
  const error = new UrlElicitationRequiredError(
    [
      {
        mode: 'url',
        url,
        message: `${reason} Connect your Atlassian account to use Confluence.`,
        elicitationId: randomUUID(),
      },
    ],
    message,
  );
  error.message = message;
  return error;
}

/**
 * Registers tools on an MCP server: handlers get parsed arguments and a ready context for the request's caller;
 * a caller who must connect first is asked to (URL elicitation where the client supports it); expected failures
 * come back as `isError` results that say what to do next. With `only`, just the tools it names are registered (the
 * list still offers every tool); when it names none of them, all are, so the SDK answers an unknown name as always.
 */
export function registerTools(
  server: McpServer,
  tools: readonly AnyToolDefinition[],
  runtime: ToolRuntime,
  only?: ReadonlySet<string>,
): void {
  const { sessions, log } = runtime;

  async function canElicitUrl(caller: Caller | undefined): Promise<boolean> {
    const capabilities =
      server.server.getClientCapabilities() ??
      (await runtime.capabilities?.recall(caller).catch(() => undefined));
    return Boolean(capabilities?.elicitation && 'url' in capabilities.elicitation);
  }

  /** The session a call acts in, after checking its connection was granted every scope the call needs. */
  async function sessionFor(
    tool: AnyToolDefinition,
    caller: Caller | undefined,
    args: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<CallerSession> {
    const named = typeof args.site === 'string' ? args.site : undefined;
    const session = await sessions.session(caller, { named, urls: pageUrls(tool, args) }, signal);
    const granted = session.grantedScopes;
    const missing = granted ? requiredScopes(tool, runtime.policy).filter((s) => !granted.has(s)) : [];
    if (missing.length) {
      throw new MissingScopeError(missing, caller && (await sessions.connectUrl?.(caller)));
    }
    return session;
  }

  function contextFor(
    tool: AnyToolDefinition,
    caller: Caller | undefined,
    session: CallerSession | undefined,
    signal: AbortSignal,
  ): ToolContext {
    const guard = session ? new SpaceGuard(runtime.policy.spaces, session.confluence, signal) : undefined;
    return {
      get confluence() {
        if (!session) throw new Error(`${tool.name} declares no scopes, so it has no Confluence client`);
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
      signal,
      limits: runtime.limits,
      // Large conversions queue per user too: one user's many wait behind every other user's next.
      convert: (runtime.converter ?? INLINE).lane(caller?.userKey ?? ''),
      log,
    };
  }

  const called = only && tools.filter((tool) => only.has(tool.name));
  for (const tool of called?.length ? called : tools) {
    const usesConfluence = tool.scopes.length > 0;
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: toolSchemas(tool).input,
        outputSchema: toolSchemas(tool).output,
        annotations: tool.annotations,
      },
      observed(tool.name, runtime, async (args: Record<string, unknown>, extra) => {
        const started = performance.now();
        const caller = callerOf(extra.authInfo) ?? runtime.defaultCaller;
        // One deadline for the whole call: every request and retry under it, and the client's cancellation.
        const call = callSignal(extra.signal, runtime.callDeadlineMs ?? 2 ** 31 - 1);
        let release: (() => void) | undefined;
        try {
          // Calls without a verified caller share one turn: they are one user as far as anyone can tell.
          release = await runtime.fairness?.admit(caller?.userKey ?? '', call.signal);
          const session = usesConfluence ? await sessionFor(tool, caller, args, call.signal) : undefined;
          const result = await tool.handler(args, contextFor(tool, caller, session, call.signal));
          log.debug('tool call', { tool: tool.name, ms: Math.round(performance.now() - started) });
          return {
            content: [{ type: 'text' as const, text: bounded(result.text, runtime.limits.maxResultChars) }],
            structuredContent: result.structured,
          };
        } catch (error) {
          // A cancelled call has no one waiting for its result.
          if (extra.signal.aborted) throw error;
          markFailed(extra, failureKind(error, extra.signal));
          if (
            isKindedError(error) &&
            error.kind === 'not-connected' &&
            error.connectUrl &&
            (await canElicitUrl(caller))
          ) {
            throw urlElicitation(error.connectUrl, error.message);
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
        } finally {
          release?.();
          call.dispose();
        }
      }),
    );
  }
  server.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: publishedTools(tools) }));
}
