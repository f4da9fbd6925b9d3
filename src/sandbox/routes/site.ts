import { type ApiRouter, ok, route } from '../api.js';

export function registerSiteRoutes(router: ApiRouter): void {
  route(
    router,
    'GET',
    '/rest/api/settings/systemInfo',
    [['manage:confluence-configuration'], ['read:configuration:confluence']],
    (ctx) =>
      ok({
        cloudId: ctx.site.cloudId,
        commitHash: 'sandbox',
        baseUrl: ctx.base,
        edition: 'standard',
        siteTitle: ctx.site.siteTitle,
        defaultLocale: ctx.site.defaultLocale,
        defaultTimeZone: ctx.site.defaultTimeZone,
      }),
  );
}
