import { z } from 'zod';
import { getSystemInfo } from '../src/confluence/index.js';
import { defineTool } from './define.js';
import { compact } from './shared.js';

export const getSiteInfoTool = defineTool({
  name: 'confluence_get_site_info',
  title: 'Show site information',
  description: 'Shows the site: title, base URL, cloud id, edition, locale, time zone.',
  toolset: 'site',
  input: {},
  output: {
    site_title: z.string().optional(),
    base_url: z.string().optional(),
    cloud_id: z.string(),
    edition: z.string().optional(),
    default_locale: z.string().optional(),
    default_time_zone: z.string().optional(),
  },
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
  scopes: ['read:configuration:confluence'],
  async handler(_args, ctx) {
    const info = await getSystemInfo(ctx.confluence, { signal: ctx.signal });
    const out = compact({
      site_title: info.siteTitle,
      base_url: info.baseUrl,
      cloud_id: info.cloudId,
      edition: info.edition,
      default_locale: info.defaultLocale,
      default_time_zone: info.defaultTimeZone,
    });
    return {
      text: `${out.site_title ?? 'Confluence'} at ${out.base_url ?? '?'} (cloud id ${out.cloud_id}, ${out.edition ?? 'edition unknown'}, ${out.default_locale ?? ''} ${out.default_time_zone ?? ''})`.trim(),
      structured: out,
    };
  },
});
