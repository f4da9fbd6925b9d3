/**
 * Confluence Cloud's REST API as typed free functions over one client, knowing nothing of MCP: what tools (and
 * the sandbox, for its ids and links) use of it.
 */
export { type ConfluenceAuth, wikiBaseUrl } from './auth.js';
export { ConfluenceClient, type ConfluenceClientOptions } from './client.js';
export * from './cql.js';
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
