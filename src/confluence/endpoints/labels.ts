import type { ConfluenceClient } from '../client.js';
import type { Paged } from '../pagination.js';
import type { Label, MultiEntityResult, Page } from '../types.js';
import { paged } from './pages.js';

interface PageQuery {
  cursor?: string | undefined;
  limit?: number;
  signal?: AbortSignal | undefined;
}

/** v2 GET /pages/{id}/labels (read:page). */
export async function listPageLabels(
  client: ConfluenceClient,
  params: { id: string } & PageQuery,
): Promise<Paged<Label>> {
  const { data, headers } = await client.request<MultiEntityResult<Label>>(
    'GET',
    `api/v2/pages/${encodeURIComponent(params.id)}/labels`,
    {
      query: { cursor: params.cursor, limit: params.limit },
      signal: params.signal,
      subject: `page ${params.id}`,
    },
  );
  return paged(data, headers);
}

/** v2 GET /spaces/{id}/labels (read:space). */
export async function listSpaceLabels(
  client: ConfluenceClient,
  params: { id: string } & PageQuery,
): Promise<Paged<Label>> {
  const { data, headers } = await client.request<MultiEntityResult<Label>>(
    'GET',
    `api/v2/spaces/${encodeURIComponent(params.id)}/labels`,
    {
      query: { cursor: params.cursor, limit: params.limit },
      signal: params.signal,
      subject: `space ${params.id}`,
    },
  );
  return paged(data, headers);
}

/** v2 GET /labels (read:label), optionally by prefix. */
export async function listLabels(
  client: ConfluenceClient,
  params: { prefix?: readonly string[] } & PageQuery = {},
): Promise<Paged<Label>> {
  const { data, headers } = await client.request<MultiEntityResult<Label>>('GET', 'api/v2/labels', {
    query: { prefix: params.prefix, cursor: params.cursor, limit: params.limit },
    signal: params.signal,
    subject: 'labels',
  });
  return paged(data, headers);
}

/** v2 GET /labels/{id}/pages (read:page). */
export async function listPagesWithLabel(
  client: ConfluenceClient,
  params: { labelId: string } & PageQuery,
): Promise<Paged<Page>> {
  const { data, headers } = await client.request<MultiEntityResult<Page>>(
    'GET',
    `api/v2/labels/${encodeURIComponent(params.labelId)}/pages`,
    {
      query: { cursor: params.cursor, limit: params.limit },
      signal: params.signal,
      subject: `label ${params.labelId}`,
    },
  );
  return paged(data, headers);
}

/** v1 label as answered by label writes. */
export interface V1Label {
  id: string;
  name: string;
  prefix: string;
  label: string;
}

/** v1 POST /content/{id}/label (read:label + write:label): adds global labels; answers the page's labels. */
export async function addLabels(
  client: ConfluenceClient,
  params: { pageId: string; names: readonly string[]; signal?: AbortSignal | undefined },
): Promise<V1Label[]> {
  const { data } = await client.request<{ results: V1Label[] }>(
    'POST',
    `rest/api/content/${encodeURIComponent(params.pageId)}/label`,
    {
      json: params.names.map((name) => ({ prefix: 'global', name })),
      signal: params.signal,
      subject: `page ${params.pageId}`,
    },
  );
  return data.results;
}

/** v1 DELETE /content/{id}/label?name= (write:label); the query form copes with names containing "/". */
export async function removeLabel(
  client: ConfluenceClient,
  params: { pageId: string; name: string; signal?: AbortSignal | undefined },
): Promise<void> {
  await client.request<undefined>('DELETE', `rest/api/content/${encodeURIComponent(params.pageId)}/label`, {
    query: { name: params.name },
    signal: params.signal,
    subject: `label "${params.name}" on page ${params.pageId}`,
  });
}
