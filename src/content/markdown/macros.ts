import { attr, child, collapsedText, collapseWhitespace, isBlankText, textContent } from '../dom.js';
import { escapeHtml, escapeText, linkDestination } from '../escape.js';
import { ALERTS, FILE_VIEWERS, MARKER_PARAMETERS, MARKERS, TRANSPARENT } from '../macro-forms.js';
import type { InlineState } from '../options.js';
import type { StorageElement, StorageNode } from '../parse.js';
import { writeCodeBlock, writeParagraph } from './block-writing.js';
import type { MarkdownContext } from './context.js';
import { appendWrapped, type InlineBuffer, inlineCode } from './inline-buffer.js';
import { attachmentDestination } from './links.js';
import type { MarkdownWriter } from './writer.js';

/** The macro's name, lower-cased. */
export function macroName(macro: StorageElement): string {
  return (attr(macro, 'ac:name') ?? '').trim().toLowerCase();
}

function parameters(macro: StorageElement): StorageElement[] {
  return macro.children.filter(
    (node): node is StorageElement =>
      node.type === 'element' && (node.name === 'ac:parameter' || node.name === 'ac:default-parameter'),
  );
}

function parameterName(parameter: StorageElement): string {
  return parameter.name === 'ac:default-parameter' ? '' : (attr(parameter, 'ac:name') ?? '').trim();
}

function describeReference(reference: StorageElement): string {
  const space = attr(reference, 'ri:space-key');
  const title = attr(reference, 'ri:content-title');
  if (title !== undefined) return `${space ? `${space}:` : ''}${title}`;
  return (
    attr(reference, 'ri:account-id') ??
    attr(reference, 'ri:userkey') ??
    attr(reference, 'ri:username') ??
    attr(reference, 'ri:filename') ??
    attr(reference, 'ri:value') ??
    space ??
    attr(reference, 'ri:content-id') ??
    collapsedText(reference)
  );
}

function collectValues(nodes: readonly StorageNode[], values: string[]): void {
  for (const node of nodes) {
    if (node.type === 'text') values.push(node.text);
    else if (node.name.startsWith('ri:')) values.push(` ${describeReference(node)} `);
    else collectValues(node.children, values);
  }
}

/** A parameter's value as text; references (`ri:page`, `ri:user`, ...) become what they name. */
function parameterValue(parameter: StorageElement): string {
  const values: string[] = [];
  collectValues(parameter.children, values);
  return collapseWhitespace(values.join('')).trim();
}

function parameter(macro: StorageElement, name: string): string | undefined {
  const found = parameters(macro).find((candidate) => parameterName(candidate) === name);
  return found === undefined ? undefined : parameterValue(found);
}

function describeParameters(macro: StorageElement, only?: ReadonlySet<string>): string {
  const described: string[] = [];
  for (const candidate of parameters(macro)) {
    const name = parameterName(candidate);
    if (only !== undefined && !only.has(name)) continue;
    let value = parameterValue(candidate);
    if (value === '') continue;
    if (value.length > 200) value = `${value.slice(0, 200)}…`;
    described.push(escapeText(name === '' ? value : `${name}=${value}`, { inLinkText: true }));
  }
  return described.length > 0 ? ` (${described.join(', ')})` : '';
}

/** The placeholder for a macro that has no Markdown form: `[Confluence macro: jira (key=ENG-1)]`. */
function placeholder(macro: StorageElement): string {
  const name = escapeText(macroName(macro) || 'unnamed', { inLinkText: true });
  return `[Confluence macro: ${name}${describeParameters(macro)}]`;
}

function marker(macro: StorageElement, label: string): string {
  return `[${label}${describeParameters(macro, MARKER_PARAMETERS)}]`;
}

/**
 * `` `[STATUS: DONE (green)]` ``: the lozenge's title and colour. Confluence shows titles in capitals, so reading
 * Markdown does too; Markdown for editing keeps the title as stored (`In progress`), so saving it changes nothing.
 */
function statusLozenge(macro: StorageElement, ctx: MarkdownContext): string {
  const stored = parameter(macro, 'title') ?? '';
  const title = ctx.editable ? stored : stored.toUpperCase();
  const colour = parameter(macro, 'colour') ?? parameter(macro, 'color');
  const label = `STATUS${title ? `: ${title}` : ''}${colour ? ` (${colour.toLowerCase()})` : ''}`;
  return inlineCode(`[${label}]`);
}

/**
 * The info string of a code block written for editing: the language as stored (`noformat` for that macro), then
 * every other parameter as `name="value"`, so converting back loses none.
 */
function editableCodeInfo(macro: StorageElement, name: string): string {
  const parts: string[] = [];
  const language = name === 'noformat' ? 'noformat' : (parameter(macro, 'language') ?? parameter(macro, ''));
  if (language) parts.push(language);
  for (const candidate of parameters(macro)) {
    const key = parameterName(candidate);
    if (key === '' || key === 'language') continue;
    parts.push(`${key}="${parameterValue(candidate).replace(/"/g, "'")}"`);
  }
  return parts.join(' ');
}

function codeInfo(macro: StorageElement, withLanguage: boolean): string {
  const raw = withLanguage ? (parameter(macro, 'language') ?? parameter(macro, '') ?? '').toLowerCase() : '';
  const aliases: Record<string, string> = { 'html/xml': 'xml', 'c#': 'csharp', 'c++': 'cpp', none: '' };
  const language = (aliases[raw] ?? raw).replace(/[^\w+#.-]/g, '');
  const title = (parameter(macro, 'title') ?? '').replace(/[`"]/g, "'");
  return title ? `${language || 'text'} title="${title}"` : language;
}

function bodyText(body: StorageElement | undefined): string {
  return body === undefined ? '' : textContent(body);
}

function fileLink(macro: StorageElement, ctx: MarkdownContext): string | undefined {
  const name = parameters(macro).find((candidate) => parameterName(candidate) === 'name');
  const attachment = name === undefined ? undefined : child(name, 'ri:attachment');
  if (attachment === undefined) return undefined;
  const filename = escapeText(attr(attachment, 'ri:filename') ?? '', { inLinkText: true });
  return `[${filename}](${linkDestination(attachmentDestination(attachment, ctx))})`;
}

/** True for macros rendered as blocks of their own; the others flow inside a paragraph. */
export function isBlockMacro(macro: StorageElement): boolean {
  const name = macroName(macro);
  if (name === 'code' || name === 'noformat' || name === 'panel' || name === 'quote' || name === 'expand')
    return true;
  if (ALERTS[name] !== undefined) return true;
  if (name === 'excerpt') return parameter(macro, 'atlassian-macro-output-type')?.toUpperCase() !== 'INLINE';
  if (TRANSPARENT.has(name)) return true;
  if (MARKERS[name] !== undefined || name === 'status' || name === 'anchor' || FILE_VIEWERS.has(name))
    return false;
  return child(macro, 'ac:rich-text-body') !== undefined || child(macro, 'ac:plain-text-body') !== undefined;
}

const BOLD = new Set(['strong', 'b']);

/** True when the first block of `body` is a paragraph that is only bold text, which would read as a title. */
function startsWithBoldParagraph(body: readonly StorageNode[]): boolean {
  const first = body.find((node) => !isBlankText(node));
  if (first?.type !== 'element' || first.name !== 'p') return false;
  const content = first.children.filter((node) => !isBlankText(node));
  return content.length === 1 && content[0]?.type === 'element' && BOLD.has(content[0].name);
}

function writeTitledQuote(
  alert: string | undefined,
  title: string | undefined,
  body: readonly StorageNode[],
  ctx: MarkdownContext,
  writer: MarkdownWriter,
): void {
  writer.enter(undefined, '> ');
  if (alert !== undefined) {
    writer.write([`[!${alert}]`], 'alert');
    // A bold line right under the marker is the title, so a bold first paragraph is kept apart by a blank line.
    if (title || !startsWithBoldParagraph(body)) writer.setSeparator('newline');
  }
  if (title) writer.write([`**${escapeText(title)}**`], 'title');
  ctx.render.renderBlocks(body, ctx, writer);
  writer.exit();
}

// Cloud panel types as GitHub alerts, by colour: info blue, note purple, success green, warning yellow, error red.
const ADF_PANEL_ALERTS: Readonly<Record<string, string>> = {
  info: 'NOTE',
  note: 'IMPORTANT',
  success: 'TIP',
  warning: 'WARNING',
  error: 'CAUTION',
};

function adfAttribute(node: StorageElement, key: string): string | undefined {
  const found = node.children.find(
    (candidate) =>
      candidate.type === 'element' && candidate.name === 'ac:adf-attribute' && attr(candidate, 'key') === key,
  );
  return found?.type === 'element' ? collapsedText(found) : undefined;
}

/**
 * Renders a Cloud editor node (`ac:adf-extension`'s `ac:adf-node`) that has a Markdown form: a panel as the
 * callout it is, an expand as `<details>`. False for other nodes, which show their fallback instead.
 */
export function renderAdfNode(node: StorageElement, ctx: MarkdownContext, writer: MarkdownWriter): boolean {
  const type = attr(node, 'type') ?? '';
  const content = child(node, 'ac:adf-content')?.children;
  if (content === undefined) return false;
  if (type === 'panel') {
    const panelType = adfAttribute(node, 'panel-type') ?? 'info';
    const icon = panelType === 'custom' ? adfAttribute(node, 'panel-icon-text') : undefined;
    writeTitledQuote(ADF_PANEL_ALERTS[panelType] ?? 'NOTE', icon, content, ctx, writer);
    return true;
  }
  if (type === 'expand' || type === 'nested-expand') {
    const title = adfAttribute(node, 'title') || 'Click here to expand...';
    writer.write(['<details>', `<summary>${escapeHtml(title)}</summary>`], 'details');
    ctx.render.renderBlocks(content, ctx, writer);
    writer.write(['</details>'], 'details');
    return true;
  }
  return false;
}

/** Renders a macro that stands as a block. */
export function renderBlockMacro(macro: StorageElement, ctx: MarkdownContext, writer: MarkdownWriter): void {
  const name = macroName(macro);
  const richBody = child(macro, 'ac:rich-text-body');
  const plainBody = child(macro, 'ac:plain-text-body');
  const body = richBody?.children ?? [];
  const alert = ALERTS[name];
  if (name === 'code' || name === 'noformat') {
    const info = ctx.editable ? editableCodeInfo(macro, name) : codeInfo(macro, name === 'code');
    writeCodeBlock(writer, bodyText(plainBody ?? richBody), info);
  } else if (alert !== undefined || name === 'panel') {
    writeTitledQuote(alert, parameter(macro, 'title'), body, ctx, writer);
  } else if (name === 'quote') {
    ctx.render.renderQuote(body, ctx, writer);
  } else if (name === 'expand') {
    const title = parameter(macro, 'title') || 'Click here to expand...';
    writer.write(['<details>', `<summary>${escapeHtml(title)}</summary>`], 'details');
    ctx.render.renderBlocks(body, ctx, writer);
    writer.write(['</details>'], 'details');
  } else if (TRANSPARENT.has(name)) {
    ctx.render.renderBlocks(body, ctx, writer);
  } else if (!isBlockMacro(macro)) {
    writeParagraph(ctx.render.renderInlineToString([macro], ctx), writer);
    return;
  } else {
    writeParagraph(placeholder(macro), writer);
    if (richBody !== undefined) ctx.render.renderBlocks(body, ctx, writer);
    else if (plainBody !== undefined) writeCodeBlock(writer, bodyText(plainBody));
  }
  ctx.render.renderStrayText(macro, ctx, writer);
}

function strayText(macro: StorageElement): StorageNode[] {
  return macro.children.filter((node) => node.type === 'text' && !isBlankText(node));
}

/** Renders a macro inside a paragraph. */
export function renderInlineMacro(
  macro: StorageElement,
  ctx: MarkdownContext,
  state: InlineState,
  out: InlineBuffer,
): void {
  const name = macroName(macro);
  const richBody = child(macro, 'ac:rich-text-body');
  const plainBody = child(macro, 'ac:plain-text-body');
  const label = MARKERS[name];
  if (name === 'status') {
    out.append(statusLozenge(macro, ctx));
  } else if (name === 'anchor') {
    // Anchors are link targets with nothing to show.
  } else if (label !== undefined) {
    out.append(marker(macro, label));
  } else if (name === 'code' || name === 'noformat') {
    out.append(inlineCode(bodyText(plainBody ?? richBody)));
  } else if (FILE_VIEWERS.has(name) && fileLink(macro, ctx) !== undefined) {
    out.append(fileLink(macro, ctx) ?? '');
  } else if (
    ALERTS[name] !== undefined ||
    TRANSPARENT.has(name) ||
    ['panel', 'quote', 'expand'].includes(name)
  ) {
    const title = parameter(macro, 'title');
    if (title) appendWrapped(out, ` ${escapeText(title)} `, '**', '**');
    if (richBody !== undefined) ctx.render.renderInlineNodes(richBody.children, ctx, state, out);
  } else {
    out.append(placeholder(macro));
    if (richBody !== undefined) {
      out.append(' ');
      ctx.render.renderInlineNodes(richBody.children, ctx, state, out);
    } else if (plainBody !== undefined) {
      out.append(` ${inlineCode(bodyText(plainBody))}`);
    }
  }
  ctx.render.renderInlineNodes(strayText(macro), ctx, state, out);
}
