import { describe, expect, it } from 'vitest';
import {
  decodeTinyLink,
  encodeTinyLink,
  pageIdFromReference,
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

  it.each(['', 'Release notes', 'https://acme.atlassian.net/wiki/spaces/ENG/overview', 'ftp://x'])(
    'finds no id in %j',
    (reference) => {
      expect(pageIdFromReference(reference)).toBeUndefined();
    },
  );
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
