/**
 * Small builders for Confluence storage format, so seed pages read like content rather than markup. Each returns
 * a storage-format fragment exactly as Confluence Cloud stores it (XHTML with `ac:`/`ri:` elements).
 */

/** Escapes text for use in element content or a double-quoted attribute. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Wraps text in CDATA, splitting any `]]>` the way Confluence does (`]]]]><![CDATA[>`). */
export function cdata(text: string): string {
  return `<![CDATA[${text.split(']]>').join(']]]]><![CDATA[>')}]]>`;
}

function param(name: string, value: string): string {
  return `<ac:parameter ac:name="${name}">${esc(value)}</ac:parameter>`;
}

/** A `code` macro; the body is kept verbatim in CDATA. */
export function code(
  language: string,
  body: string,
  options: { title?: string; linenumbers?: boolean; collapse?: boolean; theme?: string } = {},
): string {
  const params = [
    options.title === undefined ? '' : param('title', options.title),
    param('language', language),
    options.theme === undefined ? '' : param('theme', options.theme),
    options.linenumbers ? param('linenumbers', 'true') : '',
    options.collapse ? param('collapse', 'true') : '',
  ].join('');
  return `<ac:structured-macro ac:name="code" ac:schema-version="1">${params}<ac:plain-text-body>${cdata(body)}</ac:plain-text-body></ac:structured-macro>`;
}

/** A `noformat` macro (preformatted text, no highlighting). */
export function noformat(body: string): string {
  return `<ac:structured-macro ac:name="noformat" ac:schema-version="1"><ac:plain-text-body>${cdata(body)}</ac:plain-text-body></ac:structured-macro>`;
}

/** An info, note, warning or tip panel around rich content. */
export function panel(kind: 'info' | 'note' | 'warning' | 'tip', body: string, title?: string): string {
  const titleParam = title === undefined ? '' : param('title', title);
  return `<ac:structured-macro ac:name="${kind}" ac:schema-version="1">${titleParam}<ac:rich-text-body>${body}</ac:rich-text-body></ac:structured-macro>`;
}

/** The generic `panel` macro with colours. */
export function colourPanel(
  body: string,
  options: { title?: string; bgColor?: string; borderStyle?: string },
): string {
  const params = [
    options.title === undefined ? '' : param('title', options.title),
    options.bgColor === undefined ? '' : param('bgColor', options.bgColor),
    options.borderStyle === undefined ? '' : param('borderStyle', options.borderStyle),
  ].join('');
  return `<ac:structured-macro ac:name="panel" ac:schema-version="1">${params}<ac:rich-text-body>${body}</ac:rich-text-body></ac:structured-macro>`;
}

/** Lozenge colours Confluence offers for the status macro. */
export type StatusColour = 'Grey' | 'Red' | 'Yellow' | 'Green' | 'Blue' | 'Purple';

/** A status lozenge. */
export function status(colour: StatusColour, title: string): string {
  return `<ac:structured-macro ac:name="status" ac:schema-version="1">${param('colour', colour)}${param('title', title)}</ac:structured-macro>`;
}

/** An `expand` macro with a title and rich body. */
export function expand(title: string, body: string): string {
  return `<ac:structured-macro ac:name="expand" ac:schema-version="1">${param('title', title)}<ac:rich-text-body>${body}</ac:rich-text-body></ac:structured-macro>`;
}

/** A link to a page by title, optionally in another space, to an anchor, or with its own link text. */
export function pageLink(
  title: string,
  options: { space?: string; text?: string; anchor?: string } = {},
): string {
  const anchor = options.anchor === undefined ? '' : ` ac:anchor="${esc(options.anchor)}"`;
  const space = options.space === undefined ? '' : ` ri:space-key="${esc(options.space)}"`;
  const text =
    options.text === undefined
      ? ''
      : `<ac:plain-text-link-body>${cdata(options.text)}</ac:plain-text-link-body>`;
  return `<ac:link${anchor}><ri:page ri:content-title="${esc(title)}"${space} />${text}</ac:link>`;
}

/** A link to an anchor on the same page. */
export function anchorLink(anchorName: string, text: string): string {
  return `<ac:link ac:anchor="${esc(anchorName)}"><ac:plain-text-link-body>${cdata(text)}</ac:plain-text-link-body></ac:link>`;
}

/** The `anchor` macro, a target for anchor links. */
export function anchor(name: string): string {
  return `<ac:structured-macro ac:name="anchor" ac:schema-version="1">${param('', name)}</ac:structured-macro>`;
}

/** A link to a file attached to the current page. */
export function attachmentLink(filename: string, text?: string): string {
  const body = text === undefined ? '' : `<ac:plain-text-link-body>${cdata(text)}</ac:plain-text-link-body>`;
  return `<ac:link><ri:attachment ri:filename="${esc(filename)}" />${body}</ac:link>`;
}

/** An @-mention of a user. */
export function mention(accountId: string): string {
  return `<ac:link><ri:user ri:account-id="${accountId}" /></ac:link>`;
}

/** A date chip. */
export function date(isoDate: string): string {
  return `<time datetime="${isoDate}" />`;
}

/** One task of a task list; the body is rich inline content. */
export interface Task {
  done: boolean;
  body: string;
}

/** A task list; ids are numbered from `firstId` and must be unique within the page. */
export function taskList(tasks: readonly Task[], firstId = 1): string {
  const items = tasks
    .map(
      (task, index) =>
        `<ac:task><ac:task-id>${firstId + index}</ac:task-id><ac:task-status>${task.done ? 'complete' : 'incomplete'}</ac:task-status><ac:task-body>${task.body}</ac:task-body></ac:task>`,
    )
    .join('');
  return `<ac:task-list>${items}</ac:task-list>`;
}

/** An image attached to the page. */
export function image(filename: string, alt: string, width?: number): string {
  const widthAttr = width === undefined ? '' : ` ac:width="${width}"`;
  return `<ac:image ac:alt="${esc(alt)}"${widthAttr}><ri:attachment ri:filename="${esc(filename)}" /></ac:image>`;
}

/** An image from an external URL. */
export function externalImage(url: string, alt?: string): string {
  const altAttr = alt === undefined ? '' : ` ac:alt="${esc(alt)}"`;
  return `<ac:image${altAttr}><ri:url ri:value="${esc(url)}" /></ac:image>`;
}

/** A classic emoticon (`tick`, `cross`, `warning`, `information`, `smile`, ...). */
export function emoticon(name: string): string {
  return `<ac:emoticon ac:name="${name}" />`;
}

/** A Cloud emoji, stored as an emoticon with its short name, id and fallback character. */
export function emoji(shortname: string, id: string, fallback: string): string {
  return `<ac:emoticon ac:name="blue-star" ac:emoji-shortname=":${shortname}:" ac:emoji-id="${id}" ac:emoji-fallback="${fallback}" />`;
}

/** The table-of-contents macro. */
export function toc(maxLevel = 3): string {
  return `<ac:structured-macro ac:name="toc" ac:schema-version="1">${param('maxLevel', String(maxLevel))}${param('minLevel', '1')}</ac:structured-macro>`;
}

/** The `children` macro listing the page's children. */
export function childrenMacro(options: { all?: boolean; sort?: string; reverse?: boolean } = {}): string {
  const params = [
    options.all ? param('all', 'true') : '',
    options.sort === undefined ? '' : param('sort', options.sort),
    options.reverse ? param('reverse', 'true') : '',
  ].join('');
  return `<ac:structured-macro ac:name="children" ac:schema-version="2">${params}</ac:structured-macro>`;
}

/** The `excerpt` macro around a short rich summary. */
export function excerpt(body: string): string {
  return `<ac:structured-macro ac:name="excerpt" ac:schema-version="1"><ac:rich-text-body>${body}</ac:rich-text-body></ac:structured-macro>`;
}

/** The Jira server id of Acme's Jira site, as the Jira macro stores it. */
export const JIRA_SERVER_ID = '8f3c2a1e-5b7d-3c49-a0e6-2d4b91f7c6a8';

/** A Jira issue macro for one issue key. */
export function jira(key: string): string {
  return `<ac:structured-macro ac:name="jira" ac:schema-version="1">${param('server', 'System JIRA')}${param('serverId', JIRA_SERVER_ID)}${param('key', key)}</ac:structured-macro>`;
}

/** A Jira macro showing the result of a JQL query as a table. */
export function jiraQuery(jql: string, columns: string, maximumIssues = 20): string {
  return `<ac:structured-macro ac:name="jira" ac:schema-version="1">${param('server', 'System JIRA')}${param('serverId', JIRA_SERVER_ID)}${param('jqlQuery', jql)}${param('columns', columns)}${param('maximumIssues', String(maximumIssues))}</ac:structured-macro>`;
}

const BLOCK_START =
  /^<(p|ul|ol|table|h[1-6]|ac:task-list)[\s>]|^<ac:structured-macro ac:name="(code|noformat|info|note|tip|warning|expand|panel)"/;

/** Wraps inline content in a paragraph, as the editor does; block content (lists, tables, panels) stays as is. */
export function cell(content: string): string {
  return BLOCK_START.test(content) ? content : `<p>${content}</p>`;
}

/** A table with one header row; cells are storage fragments (inline or block). */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const head = `<tr>${headers.map((h) => `<th><p><strong>${h}</strong></p></th>`).join('')}</tr>`;
  const body = rows.map((row) => `<tr>${row.map((c) => `<td>${cell(c)}</td>`).join('')}</tr>`).join('');
  return `<table data-layout="default"><tbody>${head}${body}</tbody></table>`;
}

/** A two-column key/value table with header cells on the left, as used for page metadata. */
export function propertiesTable(rows: readonly (readonly [string, string])[]): string {
  const body = rows.map(([key, value]) => `<tr><th><p>${key}</p></th><td>${cell(value)}</td></tr>`).join('');
  return `<table data-layout="default"><tbody>${body}</tbody></table>`;
}

/** An unordered list of inline fragments. */
export function ul(items: readonly string[]): string {
  return `<ul>${items.map((item) => `<li><p>${item}</p></li>`).join('')}</ul>`;
}

/** An ordered list of inline fragments. */
export function ol(items: readonly string[]): string {
  return `<ol>${items.map((item) => `<li><p>${item}</p></li>`).join('')}</ol>`;
}

/** Paragraphs, one per string. */
export function paras(...texts: readonly string[]): string {
  return texts.map((text) => `<p>${text}</p>`).join('');
}

/** A deterministic pseudo-random generator (mulberry32), so generated content is the same on every start. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
