import { describe, expect, it } from 'vitest';
import { canonicalId } from '../../../src/confluence/ids.js';
import {
  decodeTinyLink,
  encodeTinyLink,
  pageIdFromReference,
  referenceUrl,
  urlIsOnSite,
  webUrl,
} from '../../../src/confluence/links.js';

describe('tiny links', () => {
  it("matches Confluence's own encoding", () => {
    // The pair from the Atlassian Community thread on TinyUrl (pageId=201819180 is /x/LIQHD).
    expect(encodeTinyLink('201819180')).toBe('LIQHD');
    expect(decodeTinyLink('LIQHD')).toBe('201819180');
  });

  it('round-trips ids of every size', () => {
    for (const id of ['1', '255', '65537', '98765432', '4294967295', '2834169857123']) {
      expect(decodeTinyLink(encodeTinyLink(id))).toBe(id);
    }
  });

  it('refuses codes that are not base64', () => {
    expect(decodeTinyLink('not a code!')).toBeUndefined();
  });
});

describe('pageIdFromReference', () => {
  it.each([
    ['123456', '123456'],
    ['  98765 ', '98765'],
    ['https://acme.atlassian.net/wiki/spaces/ENG/pages/123456/Release+Notes', '123456'],
    ['https://acme.atlassian.net/wiki/spaces/ENG/pages/123456', '123456'],
    ['https://acme.atlassian.net/wiki/spaces/ENG/pages/edit-v2/123456', '123456'],
    ['https://acme.atlassian.net/wiki/pages/viewpage.action?pageId=42', '42'],
    ['https://acme.atlassian.net/wiki/x/LIQHD', '201819180'],
  ])('reads %s', (reference, id) => {
    expect(pageIdFromReference(reference)).toBe(id);
  });

  it.each([
    ['0065540', '65540'],
    ['https://acme.atlassian.net/wiki/spaces/ENG/pages/000123/T', '123'],
    ['https://acme.atlassian.net/wiki/pages/viewpage.action?pageId=0042', '42'],
  ])('reads %s as the canonical id %s, as Confluence parses it', (reference, id) => {
    expect(pageIdFromReference(reference)).toBe(id);
  });

  it.each([
    '',
    'Release notes',
    'https://acme.atlassian.net/wiki/spaces/ENG/overview',
    'ftp://x',
    '0',
    '000',
    '99999999999999999999',
  ])('finds no id in %j', (reference) => {
    expect(pageIdFromReference(reference)).toBeUndefined();
  });
});

describe('webUrl', () => {
  it('joins base and webui, keeps absolute links, and gives up without a base', () => {
    expect(webUrl('https://a.atlassian.net/wiki', '/spaces/ENG/pages/1/T')).toBe(
      'https://a.atlassian.net/wiki/spaces/ENG/pages/1/T',
    );
    expect(webUrl(undefined, 'https://a.atlassian.net/wiki/x/AQ')).toBe('https://a.atlassian.net/wiki/x/AQ');
    expect(webUrl(undefined, '/spaces/ENG')).toBeUndefined();
  });
});

describe('canonical ids', () => {
  it('are positive 64-bit integers without leading zeros, or nothing', () => {
    expect(canonicalId('007')).toBe('7');
    expect(canonicalId(' 65540 ')).toBe('65540');
    expect(canonicalId(65540)).toBe('65540');
    expect(canonicalId('9223372036854775807')).toBe('9223372036854775807');
    for (const bad of ['0', '00', '-1', '+1', '1e3', '0x10', '9223372036854775808', '', '１２'])
      expect(canonicalId(bad), bad).toBeUndefined();
  });
});

describe('urlIsOnSite', () => {
  it('matches scheme, host, port and the site path segment by segment', () => {
    const on = (url: string, site: string) => urlIsOnSite(new URL(url), site);
    expect(on('https://acme.atlassian.net/wiki/spaces/E/pages/1', 'https://acme.atlassian.net')).toBe(true);
    expect(on('https://ACME.atlassian.net/wiki/x/AQ', 'https://acme.atlassian.net/wiki')).toBe(true);
    expect(on('https://globex.atlassian.net/wiki/x/AQ', 'https://acme.atlassian.net')).toBe(false);
    expect(on('http://acme.atlassian.net/wiki/x/AQ', 'https://acme.atlassian.net')).toBe(false);
    expect(on('https://acme.atlassian.net.evil.com/wiki', 'https://acme.atlassian.net')).toBe(false);
    expect(on('http://127.0.0.1:4000/site/labs/wiki/x/AQ', 'http://127.0.0.1:4000/site/labs')).toBe(true);
    expect(on('http://127.0.0.1:4000/site/labsx/wiki/x/AQ', 'http://127.0.0.1:4000/site/labs')).toBe(false);
    expect(on('http://127.0.0.1:4001/site/labs/wiki', 'http://127.0.0.1:4000/site/labs')).toBe(false);
  });
});

describe('referenceUrl', () => {
  it('takes http and https URLs, space around them trimmed, and nothing else', () => {
    expect(referenceUrl(' https://acme.atlassian.net/wiki/x/LIQHD ')?.href).toBe(
      'https://acme.atlassian.net/wiki/x/LIQHD',
    );
    expect(referenceUrl('http://localhost:8080/wiki/spaces/ENG/pages/1')?.port).toBe('8080');
    // A tab inside a URL is dropped by the URL parser, as browsers do.
    expect(referenceUrl('ht\ttps://acme.atlassian.net/')?.protocol).toBe('https:');
    for (const notUrl of [
      '123',
      'LIQHD',
      '/wiki/x/LIQHD',
      'acme.atlassian.net/wiki',
      'mailto:a@b.c',
      'https:',
    ]) {
      expect(referenceUrl(notUrl), notUrl).toBeUndefined();
    }
  });
});
