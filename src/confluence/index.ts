export { type ConfluenceAuth, wikiBaseUrl } from './auth.js';
export { ConfluenceClient, type ConfluenceClientOptions } from './client.js';
export * from './cql.js';
export * from './endpoints/index.js';
export * from './errors/index.js';
export { canonicalId } from './ids.js';
export type { Paged } from './pagination.js';
