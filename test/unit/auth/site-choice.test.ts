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

  it('takes the longest matching site URL whatever order the sites come in', () => {
    for (const order of [
      [local, labs],
      [labs, local],
    ]) {
      expect(chooseSite(order, { urls: [page(labs.url)] })).toBe(labs);
      expect(chooseSite(order, { urls: [page(local.url)] })).toBe(local);
    }
  });

  it('accepts several URLs on one site, and a URL on the site it names', () => {
    expect(
      chooseSite(sites, { urls: [page(labs.url, '1'), `${labs.url}/wiki/x/BAAB`, page(labs.url, '2')] }),
    ).toBe(labs);
    expect(chooseSite(sites, { named: 'acme-labs', urls: [page(labs.url)] })).toBe(labs);
    expect(chooseSite(sites, { named: 'local', urls: [page(local.url), page(local.url, '7')] })).toBe(local);
  });

  it('names each site as best it can: name and URL, else whichever it has', () => {
    const mixed = [
      { url: 'https://a.atlassian.net', name: 'A' },
      { url: 'https://b.atlassian.net' },
      { url: '', name: 'Only a name' },
      { url: '', id: 'cloud-only' },
    ];
    expect(() => chooseSite(mixed, { named: 'z' })).toThrow(
      'It reaches: A (https://a.atlassian.net), https://b.atlassian.net, Only a name, cloud-only.',
    );
  });

  it('quotes at most 80 characters of the path of a URL it refuses', () => {
    const long = `https://globex.atlassian.net/wiki/spaces/${'x'.repeat(300)}`;
    const error = (() => {
      try {
        chooseSite(sites, { urls: [long] });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(UnknownSiteError);
    expect(error?.message).toContain(
      `The URL https://globex.atlassian.net${new URL(long).pathname.slice(0, 80)} is`,
    );
    expect(error?.message).not.toContain('x'.repeat(100));
  });

  it('refuses a URL on none of the caller sites, naming every site', () => {
    const attempt = () => chooseSite(sites, { urls: [page('https://globex.atlassian.net')] });
    expect(attempt).toThrow(UnknownSiteError);
    expect(attempt).toThrow(
      /globex\.atlassian\.net.*not on any site.*acme \(https:\/\/acme\.atlassian\.net\), local .*acme-labs/,
    );
  });

  it('refuses URLs on two sites, and a URL on another site than the named one', () => {
    expect(() => chooseSite(sites, { urls: [page(labs.url), page(acme.url)] })).toThrow(
      new SiteConflictError(
        `The page URLs are on different sites (${labs.url} and ${acme.url}); one call acts on one site.`,
      ),
    );
    expect(() => chooseSite(sites, { named: 'acme', urls: [page(labs.url)] })).toThrow(
      /site names https:\/\/acme\.atlassian\.net, but the page URL is on http:\/\/127\.0\.0\.1:4000\/site\/acme-labs/,
    );
  });

  it('refuses a named site the connection does not reach, listing the sites', () => {
    expect(() => chooseSite(sites, { named: 'globex' })).toThrow(/does not reach "globex".*acme-labs/);
  });
});
