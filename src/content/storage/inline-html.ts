import { DecodingMode, decodeHTML } from 'entities/decode';

/** A tag of raw inline HTML, as Markdown passes it through. */
export type HtmlTag =
  | {
      readonly kind: 'open';
      readonly name: string;
      readonly attrs: Readonly<Record<string, string>>;
      readonly selfClosing: boolean;
    }
  | { readonly kind: 'close'; readonly name: string }
  | { readonly kind: 'comment'; readonly text: string }
  | { readonly kind: 'other' };

const ATTRIBUTE = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

/** Reads one tag as markdown-it's `html_inline` token holds it. */
export function readHtmlTag(html: string): HtmlTag {
  if (html.startsWith('<!--')) return { kind: 'comment', text: html.replace(/^<!--|-->$/g, '') };
  const close = /^<\/([A-Za-z][\w:-]*)\s*>$/.exec(html);
  if (close?.[1] !== undefined) return { kind: 'close', name: close[1].toLowerCase() };
  const open = /^<([A-Za-z][\w:-]*)([\s\S]*?)(\/?)>$/.exec(html);
  if (open?.[1] === undefined) return { kind: 'other' };
  const attrs: Record<string, string> = Object.create(null);
  for (const match of (open[2] ?? '').matchAll(ATTRIBUTE)) {
    const name = match[1]?.toLowerCase();
    if (name === undefined || Object.hasOwn(attrs, name)) continue;
    attrs[name] = decodeHTML(match[2] ?? match[3] ?? match[4] ?? '', DecodingMode.Attribute);
  }
  return { kind: 'open', name: open[1].toLowerCase(), attrs, selfClosing: open[3] === '/' };
}

/** Inline HTML elements kept as the storage element they map to. */
export const INLINE_HTML_ELEMENTS: Readonly<Record<string, string>> = {
  u: 'u',
  ins: 'u',
  sub: 'sub',
  sup: 'sup',
  s: 's',
  del: 's',
  strike: 's',
  strong: 'strong',
  b: 'strong',
  em: 'em',
  i: 'em',
  cite: 'em',
  code: 'code',
  kbd: 'code',
  tt: 'code',
  samp: 'code',
};

/** Elements whose content is never content: dropped with everything inside. */
export const DROPPED_HTML_ELEMENTS = new Set(['script', 'style', 'template', 'head', 'title', 'textarea']);
