import { describe, expect, it } from 'vitest';
import { chooseSite, SiteConflictError, UnknownSiteError } from '../../../src/auth/session.js';

const acme = { url: 'https://acme.atlassian.net', name: 'acme', id: 'c-acme' };
const labs = { url: 'http://127.0.0.1:4000/site/acme-labs', name: 'acme-labs', id: 'c-labs' };
const local = { url: 'http://127.0.0.1:4000', name: 'local', id: 'c-local' };
const sites = [acme, local, labs];
const page = (site: string, id = '65540') => `${site}/wiki/spaces/ENG/pages/${id}/Title`;

describe('choosing the site of a call', () => {
  it('takes the default without a site or URL, and the named site otherwise', () => {
    expect(chooseSite(sites, {})).toBe(acme);
    expect(chooseSite(sites, { named: 'acme-labs', urls: ['65540'] })).toBe(labs);
  });

  it('takes the site a page URL or tiny link lies on, the longest matching site URL first', () => {
    expect(chooseSite(sites, { urls: [page(labs.url)] })).toBe(labs);
    expect(chooseSite(sites, { urls: [`${labs.url}/wiki/x/BAAB`] })).toBe(labs);
    expect(chooseSite(sites, { urls: [page(local.url)] })).toBe(local);
    expect(chooseSite(sites, { urls: ['65540', page(acme.url)] })).toBe(acme);
  });

  it('refuses a URL on none of the caller sites, naming every site', () => {
    const attempt = () => chooseSite(sites, { urls: [page('https://globex.atlassian.net')] });
    expect(attempt).toThrow(UnknownSiteError);
    expect(attempt).toThrow(
      /globex\.atlassian\.net.*not on any site.*acme \(https:\/\/acme\.atlassian\.net\), local .*acme-labs/,
    );
  });

  it('refuses URLs on two sites, and a URL on another site than the named one', () => {
    expect(() => chooseSite(sites, { urls: [page(labs.url), page(acme.url)] })).toThrow(SiteConflictError);
    expect(() => chooseSite(sites, { named: 'acme', urls: [page(labs.url)] })).toThrow(
      /site names https:\/\/acme\.atlassian\.net, but the page URL is on http:\/\/127\.0\.0\.1:4000\/site\/acme-labs/,
    );
  });

  it('refuses a named site the connection does not reach, listing the sites', () => {
    expect(() => chooseSite(sites, { named: 'globex' })).toThrow(/does not reach "globex".*acme-labs/);
  });
});
