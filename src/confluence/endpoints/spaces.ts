import type { ConfluenceClient } from '../client.js';
import type { Paged } from '../pagination.js';
import type { MultiEntityResult, Space } from '../types.js';
import { paged } from './pages.js';

export interface ListSpacesParams {
  ids?: readonly string[];
  keys?: readonly string[];
  type?: 'global' | 'collaboration' | 'knowledge_base' | 'personal';
  status?: 'current' | 'archived';
  labels?: readonly string[];
  sort?: 'id' | '-id' | 'key' | '-key' | 'name' | '-name';
  descriptionFormat?: 'plain' | 'view';
  cursor?: string | undefined;
  limit?: number;
  signal?: AbortSignal | undefined;
}

/** v2 GET /spaces (read:space). */
export async function listSpaces(
  client: ConfluenceClient,
  params: ListSpacesParams = {},
): Promise<Paged<Space>> {
  const { data, headers } = await client.request<MultiEntityResult<Space>>('GET', 'api/v2/spaces', {
    query: {
      ids: params.ids,
      keys: params.keys,
      type: params.type,
      status: params.status,
      labels: params.labels,
      sort: params.sort,
      'description-format': params.descriptionFormat,
      cursor: params.cursor,
      limit: params.limit,
    },
    signal: params.signal,
    subject: 'spaces',
  });
  return paged(data, headers);
}

/** v2 GET /spaces/{id} (read:space). */
export async function getSpace(
  client: ConfluenceClient,
  params: {
    id: string;
    descriptionFormat?: 'plain' | 'view';
    includeLabels?: boolean;
    signal?: AbortSignal | undefined;
  },
): Promise<Space> {
  const { data } = await client.request<Space>('GET', `api/v2/spaces/${encodeURIComponent(params.id)}`, {
    query: {
      'description-format': params.descriptionFormat,
      'include-labels': params.includeLabels || undefined,
    },
    signal: params.signal,
    subject: `space ${params.id}`,
  });
  return data;
}

/**
 * The space with this key, or undefined. v2 has no by-key read, so this filters the list by `keys`; a space the
 * caller may not see is indistinguishable from one that does not exist.
 */
export async function findSpaceByKey(
  client: ConfluenceClient,
  params: { key: string; signal?: AbortSignal | undefined },
): Promise<Space | undefined> {
  const page = await listSpaces(client, { keys: [params.key], limit: 1, signal: params.signal });
  return page.items.find((space) => space.key === params.key);
}

/** v2 `SpacePermissionAssignment`. */
export interface SpacePermission {
  id: string;
  principal: { type: 'user' | 'group' | 'role'; id: string };
  operation: { key: string; targetType: string };
}

/** v2 GET /spaces/{id}/permissions (read:space). */
export async function listSpacePermissions(
  client: ConfluenceClient,
  params: { id: string; cursor?: string | undefined; limit?: number; signal?: AbortSignal | undefined },
): Promise<Paged<SpacePermission>> {
  const { data, headers } = await client.request<MultiEntityResult<SpacePermission>>(
    'GET',
    `api/v2/spaces/${encodeURIComponent(params.id)}/permissions`,
    {
      query: { cursor: params.cursor, limit: params.limit },
      signal: params.signal,
      subject: `space ${params.id}`,
    },
  );
  return paged(data, headers);
}

/** v2 POST /spaces (write:space): only on sites with role-based access control; answers 201 with the space. */
export async function createSpace(
  client: ConfluenceClient,
  params: { name: string; key: string; description?: string | undefined; signal?: AbortSignal | undefined },
): Promise<Space> {
  const { data } = await client.request<Space>('POST', 'api/v2/spaces', {
    json: {
      name: params.name,
      key: params.key,
      ...(params.description ? { description: { value: params.description, representation: 'plain' } } : {}),
    },
    signal: params.signal,
    subject: `new space ${params.key}`,
  });
  return data;
}
