import { ClientCredentialsError, OAuthUnavailableError } from '../src/auth/atlassian/oauth-client.js';
import {
  MissingScopeError,
  NotConnectedError,
  SiteConflictError,
  UnknownSiteError,
} from '../src/auth/session.js';
import { LockTimeoutError } from '../src/auth/store/lock-timeout-error.js';
import { StoreUnavailableError } from '../src/auth/store/store-unavailable-error.js';
import {
  BadRequestError,
  ConflictError,
  ConfluenceError,
  CqlSyntaxError,
  ForbiddenError,
  GoneError,
  NetworkError,
  NotFoundError,
  RateLimitError,
  ScopeMismatchError,
  ServerError,
  TimeoutError,
  UnauthorizedError,
} from '../src/confluence/index.js';
import { InvalidCursorError } from '../src/confluence/pagination.js';
import { ToolInputError, ToolRefusal } from './define.js';
import { OutOfBoundsError } from './space-guard.js';

/** What the model gets back when a call fails: an `isError` result whose text says what happened and what to do. */
export interface ToolErrorResult {
  isError: true;
  content: { type: 'text'; text: string }[];
  [key: string]: unknown;
}

function result(text: string): ToolErrorResult {
  return { isError: true, content: [{ type: 'text', text }] };
}

function retryWhen(error: RateLimitError): string {
  if (error.retryAfterSeconds !== undefined) {
    const at = new Date(Date.now() + error.retryAfterSeconds * 1000).toISOString().slice(11, 16);
    return `Retry after ${error.retryAfterSeconds} seconds (about ${at} UTC).`;
  }
  if (error.resetAt) return `Retry after ${error.resetAt.toISOString()}.`;
  return 'Wait a minute before retrying.';
}

/** The model-facing text for an expected failure, or undefined for a bug (which must not be dressed up). */
export function describeExpectedError(error: unknown): string | undefined {
  if (error instanceof ToolInputError) return `Invalid arguments: ${error.message}`;
  if (error instanceof ToolRefusal) return error.message;
  if (error instanceof NotConnectedError) {
    return error.connectUrl
      ? `Not connected to Confluence. ${error.message} Ask the user to open this link and approve access, then call the tool again: ${error.connectUrl}`
      : `Not connected to Confluence. ${error.message}`;
  }
  if (error instanceof MissingScopeError) {
    return `Missing OAuth scope: ${error.message} This tool needs it; retrying will not help.${error.connectUrl ? ` Ask the user to reconnect and approve it: ${error.connectUrl}` : ''}`;
  }
  if (error instanceof OutOfBoundsError) {
    // Answered like content that does not exist: the bounds are the operator's, not something to route around.
    return `Not found: ${error.subject} does not exist, or you do not have permission to see it. Check the id or URL; confluence_search can find pages by title or text.`;
  }
  if (error instanceof UnknownSiteError) return `Unknown site: ${error.message}`;
  if (error instanceof SiteConflictError) return `Invalid arguments: ${error.message}`;
  if (error instanceof CqlSyntaxError) {
    return `Invalid CQL: ${error.message}. Nothing was searched; fix the query and call again (or use query for plain text).`;
  }
  if (error instanceof StoreUnavailableError) {
    return 'The token store is unavailable, so your Confluence connection cannot be read right now. Nothing is lost: retry in a minute.';
  }
  if (error instanceof LockTimeoutError) {
    return 'Your Confluence connection is being renewed by another request that is taking long. Retry in a few seconds.';
  }
  if (error instanceof OAuthUnavailableError) {
    return "Atlassian's sign-in service could not renew your access right now. Retry in a minute; your connection is kept.";
  }
  if (error instanceof ClientCredentialsError) {
    return "Atlassian refused this server's app credentials. This is a server configuration problem: tell its operator.";
  }
  if (error instanceof InvalidCursorError) {
    return 'The cursor is not valid for this list. Call again without `cursor` to start from the first page.';
  }
  if (!(error instanceof ConfluenceError)) return undefined;
  const subject = error.request.subject ?? 'the requested content';
  const detail = error.detail ? ` Confluence said: ${error.detail}` : '';
  if (error instanceof NotFoundError) {
    return `Not found: ${subject} does not exist, or you do not have permission to see it. Check the id or URL; confluence_search can find pages by title or text.`;
  }
  if (error instanceof ScopeMismatchError) {
    return `Missing OAuth scope: the Confluence connection was not granted a scope this operation on ${subject} needs. Retrying will not help; reconnect the Atlassian account and approve all requested scopes.`;
  }
  if (error instanceof UnauthorizedError) {
    return `Confluence rejected the credentials (expired, revoked or wrong). Reconnect the Atlassian account, or check the API token configured for this server.${detail}`;
  }
  if (error instanceof ForbiddenError) {
    return `Permission denied: you can see ${subject} but may not do this to it. Ask a space administrator for the permission, or choose other content.${detail}`;
  }
  if (error instanceof ConflictError) {
    const current = error.currentVersion ? ` (current version ${error.currentVersion})` : '';
    return `Conflict on ${subject}${current}: it was changed by someone else, or the change collides with existing content. Re-read it, reapply your change to the latest version, then retry.${detail}`;
  }
  if (error instanceof GoneError) {
    return `Confluence has retired the API behind this operation on ${subject} (410 Gone). Retrying will not help; this server needs an update.`;
  }
  if (error instanceof RateLimitError) {
    return `Rate limited by Confluence on ${subject}. ${retryWhen(error)} Do not retry sooner: every early retry counts against the limit.`;
  }
  if (error instanceof ServerError) {
    return `Confluence failed with HTTP ${error.status ?? 'error'} on ${subject}. This is usually temporary: retry in a few seconds.`;
  }
  if (error instanceof TimeoutError) {
    return `Confluence did not answer in time for ${subject}. Retry once; if it happens again, ask for less (a smaller limit).`;
  }
  if (error instanceof NetworkError) {
    return `Could not reach Confluence for ${subject} (network error). Check that the site is reachable, then retry.`;
  }
  if (error instanceof BadRequestError) {
    return `Confluence refused the request for ${subject} as invalid (HTTP ${error.status}). Fix the arguments and retry.${detail}`;
  }
  return `Confluence request for ${subject} failed.${detail}`;
}

/** The `isError` result for a failure; a bug gets a neutral text with an id matching the server log. */
export function toolErrorResult(error: unknown, incidentId: string): ToolErrorResult {
  const text = describeExpectedError(error);
  return result(
    text ??
      `Internal error in confluence-mcp (incident ${incidentId}). The server logged the details; retrying may not help.`,
  );
}
