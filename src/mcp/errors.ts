import { type ErrorKind, isKindedError, type KindedError } from '../error-kind.js';

/** What the model gets back when a call fails: an `isError` result whose text says what happened and what to do. */
export interface ToolErrorResult {
  isError: true;
  content: { type: 'text'; text: string }[];
  [key: string]: unknown;
}

function result(text: string): ToolErrorResult {
  return { isError: true, content: [{ type: 'text', text }] };
}

function retryWhen(error: KindedError): string {
  if (error.retryAfterSeconds !== undefined) {
    const at = new Date(Date.now() + error.retryAfterSeconds * 1000).toISOString().slice(11, 16);
    return `Retry after ${error.retryAfterSeconds} seconds (about ${at} UTC).`;
  }
  if (error.resetAt) return `Retry after ${error.resetAt.toISOString()}.`;
  return 'Wait a minute before retrying.';
}

const subjectOf = (error: KindedError) => error.subject ?? 'the requested content';

/** A write whose answer was lost: repeating it blindly could do it twice (a second page with the same title). */
function unconfirmed(error: KindedError): string | undefined {
  if (!error.unconfirmedWrite) return undefined;
  return `No answer came from Confluence after the write on ${subjectOf(error)} was sent (the connection failed or time ran out), so it may have been done anyway. Do not repeat it blindly: check first (for a new page, search for its title with confluence_search or list the space's pages; for other changes, read the content again), and repeat only what did not happen.`;
}
const detailOf = (error: KindedError) => (error.detail ? ` Confluence said: ${error.detail}` : '');

/**
 * The text for the model, kind by kind: what happened and the next step. The one place such text is written; a
 * kind that several services share reads `service` to say which one failed.
 */
const TEXT: { readonly [K in ErrorKind]: (error: KindedError) => string } = {
  'invalid-input': (e) => `Invalid arguments: ${e.message}`,
  refused: (e) => e.message,
  'not-connected': (e) =>
    e.connectUrl
      ? `Not connected to Confluence. ${e.message} Ask the user to open this link and approve access, then call the tool again: ${e.connectUrl}`
      : `Not connected to Confluence. ${e.message}`,
  'scope-missing': (e) =>
    e.service === 'confluence'
      ? `Missing OAuth scope: the Confluence connection was not granted a scope this operation on ${subjectOf(e)} needs. Retrying will not help; reconnect the Atlassian account and approve all requested scopes.`
      : `Missing OAuth scope: ${e.message} This tool needs it; retrying will not help.${e.connectUrl ? ` Ask the user to reconnect and approve it: ${e.connectUrl}` : ''}`,
  'not-found': (e) =>
    `Not found: ${subjectOf(e)} does not exist, or you do not have permission to see it. Check the id or URL; confluence_search can find pages by title or text.`,
  'unknown-site': (e) => `Unknown site: ${e.message}`,
  'invalid-query': (e) =>
    `Invalid CQL: ${e.message}. Nothing was searched; fix the query and call again (or use query for plain text).`,
  'invalid-cursor': () =>
    'The cursor is not valid for this list. Call again without `cursor` to start from the first page.',
  unauthorized: (e) =>
    `Confluence rejected the credentials (expired, revoked or wrong). Reconnect the Atlassian account, or check the API token configured for this server.${detailOf(e)}`,
  forbidden: (e) =>
    `Permission denied: you can see ${subjectOf(e)} but may not do this to it. Ask a space administrator for the permission, or choose other content.${detailOf(e)}`,
  conflict: (e) => {
    const current = e.currentVersion ? ` (current version ${e.currentVersion})` : '';
    return `Conflict on ${subjectOf(e)}${current}: it was changed by someone else, or the change collides with existing content. Re-read it, reapply your change to the latest version, then retry.${detailOf(e)}`;
  },
  gone: (e) =>
    `Confluence has retired the API behind this operation on ${subjectOf(e)} (410 Gone). Retrying will not help; this server needs an update.`,
  'rate-limited': (e) =>
    `Rate limited by Confluence on ${subjectOf(e)}. ${retryWhen(e)} Do not retry sooner: every early retry counts against the limit.`,
  unavailable: (e) => {
    if (e.service === 'token-store') {
      return 'The token store is unavailable, so your Confluence connection cannot be read right now. Nothing is lost: retry in a minute.';
    }
    if (e.service === 'atlassian-oauth') {
      return "Atlassian's sign-in service could not renew your access right now. Retry in a minute; your connection is kept.";
    }
    return `Confluence failed with HTTP ${e.status ?? 'error'} on ${subjectOf(e)}. This is usually temporary: retry in a few seconds.`;
  },
  busy: () =>
    'Your Confluence connection is being renewed by another request that is taking long. Retry in a few seconds.',
  timeout: (e) =>
    unconfirmed(e) ??
    `Confluence did not answer in time for ${subjectOf(e)}. Retry once; if it happens again, ask for less (a smaller limit).`,
  unreachable: (e) =>
    unconfirmed(e) ??
    `Could not reach Confluence for ${subjectOf(e)} (network error). Check that the site is reachable, then retry.`,
  misconfigured: () =>
    "Atlassian refused this server's app credentials. This is a server configuration problem: tell its operator.",
  rejected: (e) =>
    `Confluence refused the request for ${subjectOf(e)} as invalid (HTTP ${e.status}). Fix the arguments and retry.${detailOf(e)}`,
};

/** The model-facing text for an expected failure, or undefined for a bug (which must not be dressed up). */
export function describeExpectedError(error: unknown): string | undefined {
  return isKindedError(error) ? TEXT[error.kind](error) : undefined;
}

/** The `isError` result for a failure; a bug gets a neutral text with an id matching the server log. */
export function toolErrorResult(error: unknown, incidentId: string): ToolErrorResult {
  const text = describeExpectedError(error);
  return result(
    text ??
      `Internal error in confluence-mcp (incident ${incidentId}). The server logged the details; retrying may not help.`,
  );
}
