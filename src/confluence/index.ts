/**
 * Confluence Cloud's REST API as typed free functions over one client, knowing nothing of MCP: what tools (and
 * the sandbox, for its ids and links) use of it.
 */
export { type ConfluenceAuth, wikiBaseUrl } from './auth.js';
export { ConfluenceClient, type ConfluenceClientOptions, nearLimit } from './client.js';
export * from './cql.js';
export {
  type CallSignal,
  callSignal,
  DeadlineExceededError,
  deadlineOf,
  timeLeft,
} from './deadline.js';
export * from './endpoints/index.js';
export * from './errors/index.js';
export { canonicalId } from './ids.js';
export {
  decodeTinyLink,
  encodeTinyLink,
  pageIdFromReference,
  referenceUrl,
  urlIsOnSite,
  webUrl,
} from './links.js';
export * from './observer.js';
export { InvalidCursorError, type Paged } from './pagination.js';
export {
  quotaSpent,
  RateLimitBoard,
  type RateLimitBoardOptions,
  type SharedLimitStore,
} from './rate-limits.js';
export {
  backoffMs,
  DEFAULT_RETRY_POLICY,
  isIdempotent,
  planRetry,
  type RetryPlan,
  type RetryPolicy,
  retryAfterDelayMs,
  retryReason,
} from './retry.js';
export { GRANULAR_SCOPES, type GranularScope, OFFLINE_ACCESS } from './scopes.js';
export type {
  BodyType,
  Label,
  MultiEntityResult,
  Page,
  SearchResponse,
  SearchResult,
  Space,
  Version,
} from './types.js';
