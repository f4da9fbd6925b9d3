import { attr, child, collapseWhitespace, textContent } from '../dom.js';
import { escapeText, linkDestination } from '../escape.js';
import type { InlineState } from '../options.js';
import type { StorageElement } from '../parse.js';
import { formatReference } from '../references.js';
import type { MarkdownContext } from './context.js';
import { type InlineBuffer, splitEdges } from './inline-buffer.js';

/** Renders `[text](destination)`, or just the text inside another link, where links cannot nest. */
function appendLink(
  out: InlineBuffer,
  text: string,
  fallbackText: string,
  destination: string | undefined,
  state: InlineState,
): void {
  const [lead, core, trail] = splitEdges(text);
  const label =
    core === '' ? escapeText(collapseWhitespace(fallbackText).trim(), { inLinkText: true }) : core;
  out.append(lead);
  if (destination === undefined || state.link) out.append(label);
  else out.append(`[${label}](${linkDestination(destination)})`);
  out.append(trail);
}

/** An HTML `<a>`: a link when it has an href, otherwise (a named anchor) just its content. */
export function renderHtmlLink(
  element: StorageElement,
  ctx: MarkdownContext,
  state: InlineState,
  out: InlineBuffer,
): void {
  const href = attr(element, 'href')?.trim();
  const text = ctx.render.renderInlineToString(element.children, ctx, { ...state, link: true });
  if (!href) {
    out.append(text);
    return;
  }
  appendLink(out, text, href, href, state);
}

/** Where an attachment points: `attachmentUrl` for the current page's, else a `confluence-attachment:` reference. */
export function attachmentDestination(attachment: StorageElement, ctx: MarkdownContext): string {
  const filename = attr(attachment, 'ri:filename') ?? '';
  const container = child(attachment, 'ri:page') ?? child(attachment, 'ri:blog-post');
  if (container === undefined) {
    return ctx.options.attachmentUrl?.(filename) ?? formatReference('confluence-attachment', filename);
  }
  return formatReference(
    'confluence-attachment',
    attr(container, 'ri:space-key'),
    attr(container, 'ri:content-title') ?? '',
    filename,
  );
}

function withAnchor(destination: string, anchor: string | undefined): string {
  return anchor ? `${destination}#${anchor}` : destination;
}

/**
 * The mention form: `[@Display Name](confluence-user:<account id>)`, the id kept even when the name is known. A
 * mention with link text of its own shows that text, without `@`: `[Jane](confluence-user:<id>)`.
 */
export function renderMention(
  user: StorageElement,
  ctx: MarkdownContext,
  state: InlineState,
  out: InlineBuffer,
  ownText = '',
): void {
  const id = attr(user, 'ri:account-id') ?? attr(user, 'ri:userkey') ?? attr(user, 'ri:username');
  if (!id) {
    out.append('@unknown user');
    return;
  }
  const name = ctx.options.userName?.(id);
  const own = collapseWhitespace(ownText).trim();
  const label =
    own === ''
      ? `@${escapeText(collapseWhitespace(name ?? id).trim(), { inLinkText: true })}`
      : escapeText(own, { inLinkText: true });
  // Inside another link the id would be lost, so it is written out.
  if (state.link) out.append(`${label} (${escapeText(id)})`);
  else out.append(`[${label}](${linkDestination(formatReference('confluence-user', id))})`);
}

interface LinkTarget {
  readonly destination: string | undefined;
  readonly fallbackText: string;
}

function linkTarget(
  link: StorageElement,
  target: StorageElement | undefined,
  ctx: MarkdownContext,
): LinkTarget {
  const anchor = attr(link, 'ac:anchor');
  if (target === undefined) {
    return { destination: anchor ? `#${anchor}` : undefined, fallbackText: anchor ?? '' };
  }
  switch (target.name) {
    case 'ri:page': {
      const title = attr(target, 'ri:content-title');
      if (title === undefined)
        return { destination: anchor ? `#${anchor}` : undefined, fallbackText: anchor ?? '' };
      const space = attr(target, 'ri:space-key');
      const url = ctx.options.pageUrl?.(title, space) ?? formatReference('confluence-page', space, title);
      return { destination: withAnchor(url, anchor), fallbackText: title };
    }
    case 'ri:blog-post': {
      const title = attr(target, 'ri:content-title') ?? '';
      const reference = formatReference(
        'confluence-blog-post',
        attr(target, 'ri:space-key') ?? '',
        attr(target, 'ri:posting-day') ?? '',
        title,
      );
      return { destination: withAnchor(reference, anchor), fallbackText: title };
    }
    case 'ri:attachment': {
      const filename = attr(target, 'ri:filename') ?? '';
      return { destination: withAnchor(attachmentDestination(target, ctx), anchor), fallbackText: filename };
    }
    case 'ri:space': {
      const key = attr(target, 'ri:space-key') ?? '';
      return { destination: formatReference('confluence-space', key), fallbackText: key };
    }
    case 'ri:content-entity': {
      const id = attr(target, 'ri:content-id') ?? '';
      return { destination: formatReference('confluence-content', id), fallbackText: id };
    }
    case 'ri:url': {
      const url = attr(target, 'ri:value') ?? '';
      return { destination: url || undefined, fallbackText: url };
    }
    default:
      return { destination: undefined, fallbackText: collapseWhitespace(textContent(target)) };
  }
}

/** An `ac:link`: a mention, or a link to a page, blog post, attachment, space, URL or anchor. */
export function renderAcLink(
  element: StorageElement,
  ctx: MarkdownContext,
  state: InlineState,
  out: InlineBuffer,
): void {
  const target = element.children.find((node) => node.type === 'element' && node.name.startsWith('ri:'));
  const targetElement = target?.type === 'element' ? target : undefined;
  const plainBody = child(element, 'ac:plain-text-link-body');
  const richBody = child(element, 'ac:link-body');
  if (targetElement?.name === 'ri:user') {
    renderMention(targetElement, ctx, state, out, textContent(plainBody ?? richBody ?? targetElement));
    return;
  }
  let text = '';
  if (plainBody !== undefined) {
    text = escapeText(collapseWhitespace(textContent(plainBody)), { inLinkText: true });
  } else if (richBody !== undefined) {
    text = ctx.render.renderInlineToString(richBody.children, ctx, { ...state, link: true });
  }
  const { destination, fallbackText } = linkTarget(element, targetElement, ctx);
  appendLink(out, text, fallbackText, destination, state);
}

/** The last path segment of a URL, its query and fragment left out: the alt text an image falls back to. */
export function fileName(url: string | undefined): string {
  return url?.split(/[?#]/)[0]?.split('/').filter(Boolean).pop() ?? '';
}

/** An `ac:image` (of an attachment or a URL) or an HTML `<img>` as `![alt](url)`; alt defaults to the filename. */
export function renderImage(element: StorageElement, ctx: MarkdownContext, out: InlineBuffer): void {
  let destination: string | undefined;
  let fallbackAlt = '';
  if (element.name === 'img') {
    destination = attr(element, 'src')?.trim();
    fallbackAlt = fileName(destination);
  } else {
    const attachment = child(element, 'ri:attachment');
    const url = child(element, 'ri:url');
    if (attachment !== undefined) {
      destination = attachmentDestination(attachment, ctx);
      fallbackAlt = attr(attachment, 'ri:filename') ?? '';
    } else if (url !== undefined) {
      destination = attr(url, 'ri:value')?.trim();
      fallbackAlt = fileName(destination);
    }
  }
  const alt =
    attr(element, 'ac:alt') ?? attr(element, 'alt') ?? attr(element, 'ac:title') ?? attr(element, 'title');
  const altText = escapeText(collapseWhitespace(alt?.trim() || fallbackAlt).trim(), { inLinkText: true });
  const caption = child(element, 'ac:caption');
  const captionText = caption === undefined ? '' : collapseWhitespace(textContent(caption)).trim();
  if (!destination) {
    out.append(captionText === '' ? altText : `${altText} ${escapeText(captionText)}`.trim());
    return;
  }
  // A caption is the image's title, `![alt](url "Caption")`: it converts back to the caption.
  const title = captionText === '' ? '' : ` "${captionText.replace(/[\\"]/g, '\\$&')}"`;
  out.append(`![${altText}](${linkDestination(destination)}${title})`);
}
