import type { ConfluenceClient } from '../client.js';

/** v1 `SystemInfoEntity`. */
export interface SystemInfo {
  cloudId: string;
  commitHash: string;
  baseUrl?: string;
  edition?: string;
  siteTitle?: string;
  defaultLocale?: string;
  defaultTimeZone?: string;
}

/** v1 GET /settings/systemInfo (read:configuration). */
export async function getSystemInfo(
  client: ConfluenceClient,
  params: { signal?: AbortSignal | undefined } = {},
): Promise<SystemInfo> {
  const { data } = await client.request<SystemInfo>('GET', 'rest/api/settings/systemInfo', {
    signal: params.signal,
    subject: 'site information',
  });
  return data;
}
