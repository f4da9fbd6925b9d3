import type { ConfluenceClient } from '../client.js';
import { ConflictError, NotFoundError } from '../errors/index.js';
import { nextCursor, type Paged } from '../pagination.js';
import type { BodyType, MultiEntityResult, Page, Version } from '../types.js';

/** Body formats a single page can be read in. */
export type PageBodyFormat = 'storage' | 'view' | 'atlas_doc_format' | 'export_view';

export interface GetPageParams {
  id: string;
  bodyFormat?: PageBodyFormat;
  /** An older version to read; the current one when absent. */
  version?: number;
  includeLabels?: boolean;
  /** Statuses to accept; current, archived and draft when absent (a trashed page needs `trashed`). */
  status?: readonly ('current' | 'archived' | 'trashed' | 'deleted' | 'historical' | 'draft')[];
  signal?: AbortSignal | undefined;
}

/** v2 GET /pages/{id} (read:page). */
export async function getPage(client: ConfluenceClient, params: GetPageParams): Promise<Page> {
  const { data } = await client.request<Page>('GET', `api/v2/pages/${encodeURIComponent(params.id)}`, {
    query: {
      'body-format': params.bodyFormat,
      version: params.version,
      'include-labels': params.includeLabels || undefined,
      status: params.status,
    },
    signal: params.signal,
    subject: params.version ? `version ${params.version} of page ${params.id}` : `page ${params.id}`,
  });
  return data;
}

export interface ListPagesParams {
  /** Only these pages (at most 250). */
  ids?: readonly string[];
  spaceIds?: readonly string[];
  title?: string;
  status?: readonly ('current' | 'archived' | 'deleted' | 'trashed' | 'draft')[];
  sort?:
    | 'id'
    | '-id'
    | 'created-date'
    | '-created-date'
    | 'modified-date'
    | '-modified-date'
    | 'title'
    | '-title';
  bodyFormat?: 'storage' | 'atlas_doc_format';
  cursor?: string | undefined;
  limit?: number;
  signal?: AbortSignal | undefined;
}

/** v2 GET /pages (read:page). */
export async function listPages(client: ConfluenceClient, params: ListPagesParams): Promise<Paged<Page>> {
  const { data, headers } = await client.request<MultiEntityResult<Page>>('GET', 'api/v2/pages', {
    query: {
      id: params.ids,
      'space-id': params.spaceIds,
      title: params.title,
      status: params.status,
      sort: params.sort,
      'body-format': params.bodyFormat,
      cursor: params.cursor,
      limit: params.limit,
    },
    signal: params.signal,
    subject: 'pages',
  });
  return paged(data, headers);
}

export interface CreatePageParams {
  spaceId: string;
  title: string;
  parentId?: string | undefined;
  status?: 'current' | 'draft';
  body: { representation: 'storage' | 'atlas_doc_format' | 'wiki'; value: string };
  signal?: AbortSignal | undefined;
}

/** v2 POST /pages (write:page); Confluence answers 200 with the new page. */
export async function createPage(client: ConfluenceClient, params: CreatePageParams): Promise<Page> {
  const { data } = await client.request<Page>('POST', 'api/v2/pages', {
    json: {
      spaceId: params.spaceId,
      status: params.status ?? 'current',
      title: params.title,
      ...(params.parentId ? { parentId: params.parentId } : {}),
      body: params.body,
    },
    signal: params.signal,
    subject: `new page "${params.title}"`,
  });
  return data;
}

export interface UpdatePageParams {
  id: string;
  title: string;
  status: 'current' | 'draft';
  body: { representation: 'storage' | 'atlas_doc_format' | 'wiki'; value: string };
  /** The new version number: the current one plus one. A stale number gets a 409. */
  version: number;
  versionMessage?: string | undefined;
  parentId?: string | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * v2 PUT /pages/{id} (write:page): replaces title and body as a new version. The version number makes it safe to
 * repeat, so it is retried like a read; a repeat that meets 409 asks whether its own write landed (that version,
 * with this title and body) and then answers with it, as the first attempt would have.
 */
export async function updatePage(client: ConfluenceClient, params: UpdatePageParams): Promise<Page> {
  try {
    const { data } = await client.request<Page>('PUT', `api/v2/pages/${encodeURIComponent(params.id)}`, {
      json: {
        id: params.id,
        status: params.status,
        title: params.title,
        ...(params.parentId ? { parentId: params.parentId } : {}),
        body: params.body,
        version: {
          number: params.version,
          ...(params.versionMessage ? { message: params.versionMessage } : {}),
        },
      },
      signal: params.signal,
      subject: `page ${params.id}`,
      idempotent: true,
    });
    return data;
  } catch (error) {
    if (!(error instanceof ConflictError) || error.attempts < 2) throw error;
    const landed = await ownWrite(client, params);
    if (landed) return landed;
    throw error;
  }
}

/** The version this update wrote, if an earlier attempt of it landed; undefined when it is someone else's. */
async function ownWrite(client: ConfluenceClient, params: UpdatePageParams): Promise<Page | undefined> {
  const format = params.body.representation;
  if (format === 'wiki') return undefined;
  let written: Page;
  try {
    written = await getPage(client, {
      id: params.id,
      version: params.version,
      bodyFormat: format,
      signal: params.signal,
    });
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
  const body = written.body?.[format]?.value;
  const same =
    written.version?.number === params.version &&
    written.title === params.title &&
    body !== undefined &&
    sameBody(format, body, params.body.value);
  return same ? written : undefined;
}

function sameBody(format: 'storage' | 'atlas_doc_format', stored: string, sent: string): boolean {
  if (format === 'storage') return stored === sent;
  try {
    return JSON.stringify(JSON.parse(stored)) === JSON.stringify(JSON.parse(sent));
  } catch {
    return stored === sent;
  }
}

/** v2 DELETE /pages/{id} (delete:page): moves a page to the trash, or purges a trashed one. */
export async function deletePage(
  client: ConfluenceClient,
  params: { id: string; purge?: boolean; draft?: boolean; signal?: AbortSignal | undefined },
): Promise<void> {
  await client.request<undefined>('DELETE', `api/v2/pages/${encodeURIComponent(params.id)}`, {
    query: { purge: params.purge || undefined, draft: params.draft || undefined },
    signal: params.signal,
    subject: `page ${params.id}`,
  });
}

/** v2 `PageVersion`. */
export interface PageVersion extends Version {
  page?: { id: string; title: string; body?: { storage?: BodyType } };
}

/** v2 GET /pages/{id}/versions (read:page). */
export async function listPageVersions(
  client: ConfluenceClient,
  params: { id: string; cursor?: string | undefined; limit?: number; signal?: AbortSignal | undefined },
): Promise<Paged<PageVersion>> {
  const { data, headers } = await client.request<MultiEntityResult<PageVersion>>(
    'GET',
    `api/v2/pages/${encodeURIComponent(params.id)}/versions`,
    {
      query: { cursor: params.cursor, limit: params.limit },
      signal: params.signal,
      subject: `page ${params.id}`,
    },
  );
  return paged(data, headers);
}

/** An item of v2 direct-children / descendants. */
export interface PageTreeNode {
  id: string;
  status: string;
  title: string;
  type: string;
  spaceId?: string;
  parentId?: string;
  depth?: number;
  childPosition?: number | null;
}

/** v2 GET /pages/{id}/direct-children (read:hierarchical-content). */
export async function listPageChildren(
  client: ConfluenceClient,
  params: { id: string; cursor?: string | undefined; limit?: number; signal?: AbortSignal | undefined },
): Promise<Paged<PageTreeNode>> {
  const { data, headers } = await client.request<MultiEntityResult<PageTreeNode>>(
    'GET',
    `api/v2/pages/${encodeURIComponent(params.id)}/direct-children`,
    {
      query: { cursor: params.cursor, limit: params.limit },
      signal: params.signal,
      subject: `page ${params.id}`,
    },
  );
  return paged(data, headers);
}

/** v2 GET /pages/{id}/descendants (read:hierarchical-content); `depth` 1-10. */
export async function listPageDescendants(
  client: ConfluenceClient,
  params: {
    id: string;
    depth?: number;
    cursor?: string | undefined;
    limit?: number;
    signal?: AbortSignal | undefined;
  },
): Promise<Paged<PageTreeNode>> {
  const { data, headers } = await client.request<MultiEntityResult<PageTreeNode>>(
    'GET',
    `api/v2/pages/${encodeURIComponent(params.id)}/descendants`,
    {
      query: { depth: params.depth, cursor: params.cursor, limit: params.limit },
      signal: params.signal,
      subject: `page ${params.id}`,
    },
  );
  return paged(data, headers);
}

/** A v2 list answer as one page: its items, the next cursor and the site base. */
export function paged<T>(data: MultiEntityResult<T>, headers: Headers): Paged<T> {
  const page: Paged<T> = { items: data.results };
  const cursor = nextCursor(data, headers);
  if (cursor) page.nextCursor = cursor;
  if (data._links?.base) page.base = data._links.base;
  return page;
}

/** Where a move puts a page relative to its target: before or after a sibling, or as the target's last child. */
export type MovePosition = 'before' | 'after' | 'append';

/** v1 PUT /content/{id}/move/{position}/{targetId} (write:page): the only move across parents and spaces. */
export async function movePage(
  client: ConfluenceClient,
  params: { id: string; position: MovePosition; targetId: string; signal?: AbortSignal | undefined },
): Promise<void> {
  await client.request<{ pageId: string }>(
    'PUT',
    `rest/api/content/${encodeURIComponent(params.id)}/move/${params.position}/${encodeURIComponent(params.targetId)}`,
    { signal: params.signal, subject: `page ${params.id}` },
  );
}
