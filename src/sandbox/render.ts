import type { ChildNode, Element } from 'domhandler';
import { decodeHTML } from 'entities';
import { parseDocument } from 'htmlparser2';

/** Looks up what a rendered page link or mention needs: a page's web path, a user's name. */
export interface RenderLookups {
  pagePath: (title: string, spaceKey: string | undefined) => string | undefined;
  userName: (accountId: string) => string | undefined;
}

const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttr = (s: string) => escapeText(s).replace(/"/g, '&quot;');

function param(el: Element, name: string): string | undefined {
  for (const child of el.children) {
    if (child.type === 'tag' && child.name === 'ac:parameter' && child.attribs['ac:name'] === name) {
      return textOf(child);
    }
  }
  return undefined;
}

function textOf(node: ChildNode): string {
  if (node.type === 'text' || node.type === 'cdata') {
    return 'data' in node ? node.data : node.children.map(textOf).join('');
  }
  if ('children' in node) return node.children.map(textOf).join('');
  return '';
}

function findChild(el: Element, name: string): Element | undefined {
  return el.children.find((c): c is Element => c.type === 'tag' && c.name === name);
}

/**
 * Renders storage format to the HTML Confluence returns for `body-format=view`: macros expanded to plain markup,
 * links resolved. A sketch of Confluence's renderer, enough for clients that read `view` bodies.
 */
export function renderView(storage: string, lookups: RenderLookups): string {
  const doc = parseDocument(storage, { xmlMode: true, decodeEntities: true, recognizeCDATA: true });
  const out: string[] = [];
  const walk = (nodes: ChildNode[], depth: number): void => {
    for (const node of nodes) {
      if (node.type === 'text') out.push(escapeText(decodeHTML(node.data)));
      else if (node.type === 'cdata') out.push(escapeText(textOf(node)));
      else if (node.type === 'tag') element(node, depth);
    }
  };
  const element = (el: Element, depth: number): void => {
    if (depth > 200) {
      out.push(escapeText(textOf(el)));
      return;
    }
    const name = el.name;
    if (name === 'ac:structured-macro') {
      const macro = el.attribs['ac:name'] ?? 'unknown';
      const plain = findChild(el, 'ac:plain-text-body');
      const rich = findChild(el, 'ac:rich-text-body');
      if (macro === 'code' || macro === 'noformat') {
        const lang = param(el, 'language');
        out.push(`<pre${lang ? ` data-language="${escapeAttr(lang)}"` : ''}><code>`);
        out.push(escapeText(plain ? textOf(plain) : ''));
        out.push('</code></pre>');
        return;
      }
      if (macro === 'status') {
        out.push(`<span class="status-macro">${escapeText(param(el, 'title') ?? '')}</span>`);
        return;
      }
      out.push(`<div class="confluence-macro ${escapeAttr(macro)}">`);
      const title = param(el, 'title');
      if (title) out.push(`<p><strong>${escapeText(title)}</strong></p>`);
      if (rich) walk(rich.children, depth + 1);
      else if (plain) out.push(`<pre>${escapeText(textOf(plain))}</pre>`);
      out.push('</div>');
      return;
    }
    if (name === 'ac:link') {
      const page = findChild(el, 'ri:page');
      const user = findChild(el, 'ri:user');
      const body = findChild(el, 'ac:plain-text-link-body') ?? findChild(el, 'ac:link-body');
      if (user) {
        const id = user.attribs['ri:account-id'] ?? '';
        out.push(
          `<a class="user-mention" data-account-id="${escapeAttr(id)}">@${escapeText(lookups.userName(id) ?? id)}</a>`,
        );
        return;
      }
      const title = page?.attribs['ri:content-title'] ?? '';
      const href = page ? lookups.pagePath(title, page.attribs['ri:space-key']) : undefined;
      out.push(`<a href="${escapeAttr(href ?? '#')}">`);
      if (body) walk(body.children, depth + 1);
      else out.push(escapeText(title || findChild(el, 'ri:attachment')?.attribs['ri:filename'] || ''));
      out.push('</a>');
      return;
    }
    if (name === 'ac:image') {
      const attachment = findChild(el, 'ri:attachment');
      const url = findChild(el, 'ri:url');
      const src =
        url?.attribs['ri:value'] ?? `/download/attachments/${attachment?.attribs['ri:filename'] ?? ''}`;
      out.push(`<img src="${escapeAttr(src)}" alt="${escapeAttr(el.attribs['ac:alt'] ?? '')}" />`);
      return;
    }
    if (name === 'ac:task-list') {
      out.push('<ul class="inline-task-list">');
      for (const task of el.children) {
        if (task.type !== 'tag' || task.name !== 'ac:task') continue;
        const done = textOf(findChild(task, 'ac:task-status') ?? task).trim() === 'complete';
        out.push(`<li data-inline-task-state="${done ? 'complete' : 'incomplete'}">`);
        walk(findChild(task, 'ac:task-body')?.children ?? [], depth + 1);
        out.push('</li>');
      }
      out.push('</ul>');
      return;
    }
    if (name === 'ac:emoticon') {
      out.push(escapeText(el.attribs['ac:emoji-fallback'] ?? `:${el.attribs['ac:name'] ?? ''}:`));
      return;
    }
    if (name.includes(':')) {
      // Layouts, placeholders and other containers: keep their content.
      walk(el.children, depth + 1);
      return;
    }
    const attrs = Object.entries(el.attribs)
      .map(([k, v]) => ` ${k}="${escapeAttr(v)}"`)
      .join('');
    if (!el.children.length && ['br', 'hr', 'img', 'col'].includes(name)) {
      out.push(`<${name}${attrs} />`);
      return;
    }
    out.push(`<${name}${attrs}>`);
    walk(el.children, depth + 1);
    out.push(`</${name}>`);
  };
  walk(doc.children, 0);
  return out.join('');
}

/** Plain text of storage (what CQL `text ~` searches and excerpts quote), whitespace collapsed. */
export function storageText(storage: string): string {
  const doc = parseDocument(storage, { xmlMode: true, decodeEntities: true, recognizeCDATA: true });
  const parts: string[] = [];
  const stack: ChildNode[] = [...doc.children].reverse();
  while (stack.length) {
    const node = stack.pop() as ChildNode;
    if (node.type === 'text') parts.push(node.data);
    else if (node.type === 'cdata') parts.push(textOf(node));
    else if (node.type === 'tag') {
      if (node.name === 'ac:parameter') continue;
      parts.push(' ');
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i] as ChildNode);
    }
  }
  // Storage keeps HTML entities (&nbsp;, &mdash;) that XML parsing leaves encoded.
  return decodeHTML(parts.join('')).replace(/\s+/g, ' ').trim();
}
