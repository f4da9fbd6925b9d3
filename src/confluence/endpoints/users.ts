import type { ConfluenceClient } from '../client.js';
import { decodeOffsetCursor, nextOffsetCursor, type Paged } from '../pagination.js';
import type { MultiEntityResult } from '../types.js';

/** v2 `User`, and the v1 user fields this project reads. */
export interface User {
  accountId?: string | null;
  displayName?: string | null;
  publicName?: string;
  email?: string | null;
  timeZone?: string | null;
  accountType?: string;
  accountStatus?: string;
  type?: string;
}

/** v2 POST /users-bulk (read:user): up to 250 account ids. */
export async function getUsers(
  client: ConfluenceClient,
  params: { accountIds: readonly string[]; signal?: AbortSignal | undefined },
): Promise<User[]> {
  const { data } = await client.request<MultiEntityResult<User>>('POST', 'api/v2/users-bulk', {
    json: { accountIds: params.accountIds },
    signal: params.signal,
    subject: 'users',
  });
  return data.results;
}

/** v1 GET /user/current (read:content-details): who the credential acts as. */
export async function getCurrentUser(
  client: ConfluenceClient,
  params: { signal?: AbortSignal | undefined } = {},
): Promise<User> {
  const { data } = await client.request<User>('GET', 'rest/api/user/current', {
    signal: params.signal,
    subject: 'the current user',
  });
  return data;
}

/** v1 GET /search/user (read:content-details): users matching a CQL user query, offset-paged. */
export async function searchUsers(
  client: ConfluenceClient,
  params: { cql: string; cursor?: string | undefined; limit?: number; signal?: AbortSignal | undefined },
): Promise<Paged<User>> {
  const { data } = await client.request<{
    results: { user?: User }[];
    start?: number;
    limit?: number;
    size?: number;
    _links?: { next?: string };
  }>('GET', 'rest/api/search/user', {
    query: { cql: params.cql, start: decodeOffsetCursor(params.cursor) || undefined, limit: params.limit },
    signal: params.signal,
    subject: 'users',
  });
  const items = data.results.flatMap((r) => (r.user ? [r.user] : []));
  const cursor = nextOffsetCursor(data);
  return cursor ? { items, nextCursor: cursor } : { items };
}
