import type { ConfluenceClient } from '../client.js';
import { nextCursor, type Paged } from '../pagination.js';
import type { SearchResponse, SearchResult } from '../types.js';

export interface SearchParams {
  cql: string;
  cursor?: string | undefined;
  limit?: number;
  excerpt?: 'highlight' | 'indexed' | 'none' | 'highlight_unescaped' | 'indexed_unescaped';
  /** Related objects to include, e.g. `content.space` for each result's space key. */
  expand?: readonly string[];
  signal?: AbortSignal | undefined;
}

/** One page of CQL search results, with the total Confluence counted and the site base for web links. */
export interface SearchPage extends Paged<SearchResult> {
  totalSize: number;
  base?: string;
}

/** v1 GET /search (read:content-details): CQL search, cursor-paged through `_links.next`. */
export async function searchContent(client: ConfluenceClient, params: SearchParams): Promise<SearchPage> {
  const { data, headers } = await client.request<SearchResponse>('GET', 'rest/api/search', {
    query: {
      cql: params.cql,
      cursor: params.cursor,
      limit: params.limit,
      excerpt: params.excerpt,
      expand: params.expand,
    },
    signal: params.signal,
    subject: 'search',
  });
  const cursor = nextCursor(data, headers);
  return {
    items: data.results,
    totalSize: data.totalSize,
    ...(cursor ? { nextCursor: cursor } : {}),
    ...(data._links?.base ? { base: data._links.base } : {}),
  };
}
