import type { ConfluenceClient } from '../client.js';
import { decodeOffsetCursor, nextOffsetCursor, type Paged } from '../pagination.js';
import type { User } from './users.js';

/** v1 `Group`. */
export interface Group {
  id: string;
  name: string;
  type: string;
}

interface OffsetPage<T> {
  results: T[];
  start?: number;
  limit?: number;
  size?: number;
  _links?: { next?: string };
}

function offsetPaged<T>(data: OffsetPage<T>): Paged<T> {
  const cursor = nextOffsetCursor(data);
  return cursor ? { items: data.results, nextCursor: cursor } : { items: data.results };
}

/** v1 GET /group (read:group), offset-paged (limit <= 200). */
export async function listGroups(
  client: ConfluenceClient,
  params: { cursor?: string | undefined; limit?: number; signal?: AbortSignal | undefined } = {},
): Promise<Paged<Group>> {
  const { data } = await client.request<OffsetPage<Group>>('GET', 'rest/api/group', {
    query: { start: decodeOffsetCursor(params.cursor) || undefined, limit: params.limit },
    signal: params.signal,
    subject: 'groups',
  });
  return offsetPaged(data);
}

/** v1 GET /group/picker (read:group): groups whose name matches `query`. */
export async function searchGroups(
  client: ConfluenceClient,
  params: { query: string; cursor?: string | undefined; limit?: number; signal?: AbortSignal | undefined },
): Promise<Paged<Group>> {
  const { data } = await client.request<OffsetPage<Group>>('GET', 'rest/api/group/picker', {
    query: {
      query: params.query,
      start: decodeOffsetCursor(params.cursor) || undefined,
      limit: params.limit,
    },
    signal: params.signal,
    subject: 'groups',
  });
  return offsetPaged(data);
}

/** v1 GET /group/{groupId}/membersByGroupId (read:group + read:user); an unknown id gives an empty page. */
export async function listGroupMembers(
  client: ConfluenceClient,
  params: { groupId: string; cursor?: string | undefined; limit?: number; signal?: AbortSignal | undefined },
): Promise<Paged<User>> {
  const { data } = await client.request<OffsetPage<User>>(
    'GET',
    `rest/api/group/${encodeURIComponent(params.groupId)}/membersByGroupId`,
    {
      query: { start: decodeOffsetCursor(params.cursor) || undefined, limit: params.limit },
      signal: params.signal,
      subject: `group ${params.groupId}`,
    },
  );
  return offsetPaged(data);
}
