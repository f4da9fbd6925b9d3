import { canonicalId } from './ids.js';

/**
 * Confluence's own ways of pointing at a page: numeric ids, page URLs in their several historical forms, and tiny
 * links (`/wiki/x/AbCd`), which are the page id as little-endian bytes in a URL-safe base64 with the trailing zero
 * characters dropped.
 */

/** The tiny-link code of a page id, as Confluence writes it after `/x/`. */
export function encodeTinyLink(pageId: string): string {
  let id = BigInt(pageId);
  const bytes: number[] = [];
  while (id > 0n) {
    bytes.push(Number(id & 0xffn));
    id >>= 8n;
  }
  while (bytes.length < 4) bytes.push(0);
  return Buffer.from(bytes)
    .toString('base64')
    .replace(/=+$/, '')
    .replace(/A+$/, '')
    .replace(/\//g, '-')
    .replace(/\+/g, '_');
}

/** The page id behind a tiny-link code, or undefined when the code is not one. */
export function decodeTinyLink(code: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,16}$/.test(code)) return undefined;
  let b64 = code.replace(/-/g, '/').replace(/_/g, '+');
  while (b64.length % 4) b64 += 'A';
  const bytes = Buffer.from(b64, 'base64');
  let id = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) id = (id << 8n) | BigInt(bytes[i] ?? 0);
  return id > 0n ? id.toString() : undefined;
}

/**
 * The page id in a reference a person or model might paste: a bare id, a page URL (`/spaces/KEY/pages/123/...`,
 * `/pages/edit-v2/123`, `viewpage.action?pageId=123`) or a tiny link (`/x/AbCd`), always canonical (no leading
 * zeros). Undefined when there is none.
 */
export function pageIdFromReference(reference: string): string | undefined {
  const text = reference.trim();
  if (/^\d+$/.test(text)) return canonicalId(text);
  const url = referenceUrl(text);
  if (!url) return undefined;
  const pageId = url.searchParams.get('pageId');
  if (pageId && /^\d+$/.test(pageId)) return canonicalId(pageId);
  const segments = url.pathname.split('/').filter(Boolean);
  const pages = segments.lastIndexOf('pages');
  if (pages >= 0) {
    const candidates = segments.slice(pages + 1, pages + 3);
    const id = candidates.find((s) => /^\d+$/.test(s));
    if (id) return canonicalId(id);
  }
  const tiny = segments.lastIndexOf('x');
  if (tiny >= 0 && segments[tiny + 1]) return canonicalId(decodeTinyLink(segments[tiny + 1] as string));
  return undefined;
}

/** The reference as a web URL (http or https), or undefined when it is an id or not a URL at all. */
export function referenceUrl(reference: string): URL | undefined {
  // Without a colon there is no scheme, so no URL: most references are ids, and a parse that throws costs a stack
  // trace on every page read.
  if (!reference.includes(':')) return undefined;
  try {
    const url = new URL(reference.trim());
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a web URL lies on the site at `siteUrl` (e.g. `https://acme.atlassian.net`, or a site served under a
 * path): same scheme, host and port, and a path at or below the site's, segment by segment.
 */
export function urlIsOnSite(url: URL, siteUrl: string): boolean {
  let site: URL;
  try {
    site = new URL(siteUrl);
  } catch {
    return false;
  }
  if (url.origin.toLowerCase() !== site.origin.toLowerCase()) return false;
  const root = site.pathname.replace(/\/+$/, '').replace(/\/wiki$/, '');
  return root === '' || url.pathname === root || url.pathname.startsWith(`${root}/`);
}

/** An absolute web URL from Confluence's `_links.base` and a relative `webui`, or undefined without both. */
export function webUrl(base: string | undefined, webui: string | undefined): string | undefined {
  if (!webui) return undefined;
  if (/^https?:\/\//.test(webui)) return webui;
  return base ? `${base.replace(/\/+$/, '')}${webui.startsWith('/') ? '' : '/'}${webui}` : undefined;
}
