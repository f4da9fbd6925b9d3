import type { ServerResponse } from 'node:http';

const escapeHtml = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/** Text for a page: plain strings are escaped; `html` marks trusted markup built here. */
export type Fragment = string | { html: string };

export function html(strings: TemplateStringsArray, ...values: Fragment[]): { html: string } {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += (typeof value === 'string' ? escapeHtml(value) : value.html) + (strings[i + 1] ?? '');
  });
  return { html: out };
}

/**
 * Sends one of the connect flow's small HTML pages, locked down: no scripts, no framing (a confirmation page that
 * could be framed could be clicked through by another site), forms only to this server.
 */
export function sendPage(
  res: ServerResponse,
  status: number,
  title: string,
  body: { html: string },
  headers: Record<string, string | string[]> = {},
  /** Origins a form here may end up at (the consent redirect after a POST counts in some browsers). */
  formTargets: readonly string[] = [],
): void {
  const document = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#172b4d}
h1{font-size:1.4rem}button{font-size:1rem;padding:.5rem 1.2rem;margin-right:.5rem}.who{background:#f4f5f7;padding:.6rem .8rem;border-radius:4px}</style></head>
<body><h1>${escapeHtml(title)}</h1>${body.html}</body></html>`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; form-action 'self'${formTargets.map((t) => ` ${t}`).join('')}; frame-ancestors 'none'`,
    'x-frame-options': 'DENY',
    // Keeps the link out of the Referer sent to other sites, yet lets the browser name this origin on the form's
    // POST: under no-referrer browsers send `Origin: null`, which DNS-rebinding defences must otherwise refuse.
    'referrer-policy': 'same-origin',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(document);
}

/** Cookies of a request, by name. */
export function cookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}
