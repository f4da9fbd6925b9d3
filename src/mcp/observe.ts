import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Caller } from '../auth/index.js';
import { inCallScope, requestIdFrom, scopedRequestId } from '../call-scope.js';
import { isKindedError } from '../error-kind.js';
import { callerOf } from './context.js';

/** Told of every tool call, for metrics: when it starts, and how it ended. Must not throw or block. */
export interface CallObserver {
  /** A call of `tool` started; the returned function is called once when it ends, with its error kind if it failed. */
  started(tool: string): (errorKind: string | undefined) => void;
}

/** What observing calls needs from the runtime; both are optional (tests run without them). */
export interface CallObserving {
  calls?: CallObserver | undefined;
  /** The caller's user key as logs name it: a keyed hash, never the subject itself. */
  userTag?: ((userKey: string) => string) | undefined;
}

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** The kind a failed call is counted under: its error's kind, `cancelled`, or `internal` for a bug. */
export function failureKind(error: unknown, signal: AbortSignal): string {
  if (signal.aborted) return 'cancelled';
  return isKindedError(error) ? error.kind : 'internal';
}

// The outcome of each running call, by its handler's `extra` (one object per request).
const outcomes = new WeakMap<object, { kind?: string }>();

/** Counts the running call as failed with `kind`, when the handler turns its failure into a result. */
export function markFailed(extra: object, kind: string): void {
  const outcome = outcomes.get(extra);
  if (outcome) outcome.kind = kind;
}

type Handler<A, R> = (args: A, extra: Extra) => Promise<R>;

/**
 * Wraps a tool handler so each call runs in its call scope: every log line below it carries the request id (the
 * transport's `x-request-id`, else a new one) and the caller's keyed hash; when the client sent a progress token,
 * each Confluence request the call makes is reported as progress; the call observer hears when it starts and how it
 * ended (a failure the handler turns into a result is reported with {@link markFailed}).
 */
export function observed<A, R>(
  tool: string,
  observing: CallObserving & { defaultCaller?: Caller | undefined },
  handler: Handler<A, R>,
): Handler<A, R> {
  return async (args, extra) => {
    const caller = callerOf(extra.authInfo) ?? observing.defaultCaller;
    // The transport's id for the request when it named one (the id its answer carries), else the header's, else new.
    const requestId = scopedRequestId() ?? requestIdFrom(extra.requestInfo?.headers?.['x-request-id']);
    const user = caller && observing.userTag ? observing.userTag(caller.userKey) : undefined;
    const progressToken = extra._meta?.progressToken;
    let requests = 0;
    const onUpstream =
      progressToken === undefined
        ? undefined
        : (route: string) => {
            requests++;
            // The total is unknown up front (a tree is as deep as it is): progress counts the requests so far.
            extra
              .sendNotification({
                method: 'notifications/progress',
                params: {
                  progressToken,
                  progress: requests,
                  message: `Confluence request ${requests} answered (${route})`,
                },
              })
              .catch(() => {});
          };
    const outcome: { kind?: string } = {};
    outcomes.set(extra, outcome);
    const end = observing.calls?.started(tool);
    try {
      return await inCallScope({ fields: { requestId, ...(user ? { user } : {}) }, onUpstream }, () =>
        handler(args, extra),
      );
    } catch (error) {
      outcome.kind ??= failureKind(error, extra.signal);
      throw error;
    } finally {
      end?.(outcome.kind);
    }
  };
}
