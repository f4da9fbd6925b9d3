import { fileName } from '../markdown/links.js';
import { parseReference } from '../references.js';
import { attributes, cdata, escapeXml } from './xhtml.js';

/** What a link destination points at, from the forms storageToMarkdown writes. */
export type LinkTarget =
  | { readonly kind: 'user'; readonly accountId: string }
  | {
      readonly kind: 'resource';
      /** The `ri:` element, e.g. `<ri:page ri:content-title="…" />`. */
      readonly resource: string;
      readonly anchor: string | undefined;
      /** Text Confluence shows when the link has no body, so a body equal to it can be left out. */
      readonly defaultText: string;
    }
  | { readonly kind: 'anchor'; readonly anchor: string }
  | { readonly kind: 'url'; readonly url: string };

function pageResource(name: 'ri:page' | 'ri:blog-post', attrs: Record<string, string | undefined>): string {
  return `<${name}${attributes(attrs)} />`;
}

/** The `ri:attachment` for `confluence-attachment:` components: file, page/file or space/page/file. */
function attachmentResource(components: readonly string[]): { resource: string; filename: string } {
  const filename = components[components.length - 1] ?? '';
  const attrs = attributes({ 'ri:filename': filename });
  if (components.length === 1) return { resource: `<ri:attachment${attrs} />`, filename };
  const space = components.length >= 3 ? components[components.length - 3] : undefined;
  const title = components[components.length - 2] ?? '';
  const page = pageResource('ri:page', { 'ri:space-key': space || undefined, 'ri:content-title': title });
  return { resource: `<ri:attachment${attrs}>${page}</ri:attachment>`, filename };
}

/** Reads a link destination: a `confluence-*:` reference, a same-page `#anchor`, or a URL. */
export function linkTarget(destination: string): LinkTarget {
  if (destination.startsWith('#') && destination.length > 1) {
    return { kind: 'anchor', anchor: destination.slice(1) };
  }
  const reference = parseReference(destination);
  if (reference === undefined) return { kind: 'url', url: destination };
  const { components, fragment } = reference;
  const anchor = fragment || undefined;
  switch (reference.scheme) {
    case 'confluence-user':
      return { kind: 'user', accountId: components.join('/') };
    case 'confluence-page': {
      const title = components[components.length - 1] ?? '';
      const space = components.length > 1 ? components.slice(0, -1).join('/') : undefined;
      const resource = pageResource('ri:page', { 'ri:space-key': space, 'ri:content-title': title });
      return { kind: 'resource', resource, anchor, defaultText: title };
    }
    case 'confluence-blog-post': {
      const [space = '', day = '', ...rest] = components;
      const title = rest.join('/');
      const resource = pageResource('ri:blog-post', {
        'ri:space-key': space || undefined,
        'ri:posting-day': day || undefined,
        'ri:content-title': title,
      });
      return { kind: 'resource', resource, anchor, defaultText: title };
    }
    case 'confluence-attachment': {
      const { resource, filename } = attachmentResource(components);
      return { kind: 'resource', resource, anchor, defaultText: filename };
    }
    case 'confluence-space': {
      const key = components.join('/');
      return {
        kind: 'resource',
        resource: `<ri:space${attributes({ 'ri:space-key': key })} />`,
        anchor,
        defaultText: key,
      };
    }
    case 'confluence-content': {
      const id = components.join('/');
      const resource = `<ri:content-entity${attributes({ 'ri:content-id': id })} />`;
      return { kind: 'resource', resource, anchor, defaultText: id };
    }
  }
}

/** Link text: plain text as a CDATA body, formatted text as a rich body; none when it is Confluence's default. */
export interface LinkBody {
  readonly plain: string;
  readonly storage: string;
  readonly formatted: boolean;
}

function acLinkBody(body: LinkBody, defaultText: string | undefined): string {
  if (body.formatted) return body.storage === '' ? '' : `<ac:link-body>${body.storage}</ac:link-body>`;
  const text = body.plain.trim();
  if (text === '' || text === defaultText) return '';
  return `<ac:plain-text-link-body>${cdata(body.plain)}</ac:plain-text-link-body>`;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Storage for a Markdown link: a date chip, mention, Confluence link, anchor link or URL link. */
export function linkToStorage(destination: string, body: LinkBody): string {
  const date = /^confluence-date:(.*)$/s.exec(destination);
  if (date !== null) {
    // A date chip: `[2024-01-15](confluence-date:)`, the date in the destination or as the link text.
    const datetime = [date[1] ?? '', body.plain]
      .map((text) => text.trim())
      .find((text) => ISO_DATE.test(text));
    return datetime === undefined ? body.storage : `<time${attributes({ datetime })} />`;
  }
  const target = linkTarget(destination);
  switch (target.kind) {
    case 'user': {
      // `[@Name](confluence-user:…)` is the generated mention; link text without `@` is the mention's own.
      const text = body.plain.trim();
      const own =
        text === '' || text.startsWith('@') ? '' : acLinkBody({ ...body, formatted: false }, undefined);
      return `<ac:link><ri:user${attributes({ 'ri:account-id': target.accountId })} />${own}</ac:link>`;
    }
    case 'resource':
      return `<ac:link${attributes({ 'ac:anchor': target.anchor })}>${target.resource}${acLinkBody(body, target.defaultText)}</ac:link>`;
    case 'anchor':
      return `<ac:link${attributes({ 'ac:anchor': target.anchor })}>${acLinkBody(body, target.anchor)}</ac:link>`;
    case 'url':
      // Raw HTML links skip Markdown's own check; a script URL keeps only its text.
      if (/^\s*(?:javascript|vbscript|data|file):/i.test(target.url)) return body.storage;
      return `<a href="${escapeXml(target.url)}">${body.storage}</a>`;
  }
}

/**
 * Storage for a Markdown image: an `ac:image` of an attachment or a URL, its title as the caption; alt text equal
 * to the filename is left out.
 */
export function imageToStorage(source: string, alt: string, title: string | undefined): string {
  const reference = parseReference(source);
  let resource: string;
  let defaultAlt: string;
  if (reference?.scheme === 'confluence-attachment') {
    const attachment = attachmentResource(reference.components);
    resource = attachment.resource;
    defaultAlt = attachment.filename;
  } else {
    resource = `<ri:url${attributes({ 'ri:value': source })} />`;
    defaultAlt = fileName(source);
  }
  const attrs = attributes({ 'ac:alt': alt === '' || alt === defaultAlt ? undefined : alt });
  // The Markdown title is the caption shown under the image, as storageToMarkdown writes it.
  const caption = title?.trim() ? `<ac:caption><p>${escapeXml(title.trim())}</p></ac:caption>` : '';
  return `<ac:image${attrs}>${resource}${caption}</ac:image>`;
}
