import { describe, expect, it } from 'vitest';
import { storageToMarkdown } from '../../../src/content/storage-to-markdown.js';

function macro(name: string, inner: string): string {
  return `<ac:structured-macro ac:name="${name}" ac:schema-version="1" ac:macro-id="0b1c">${inner}</ac:structured-macro>`;
}

function parameter(name: string, value: string): string {
  return `<ac:parameter ac:name="${name}">${value}</ac:parameter>`;
}

const richBody = (inner: string) => `<ac:rich-text-body>${inner}</ac:rich-text-body>`;
const plainBody = (text: string) => `<ac:plain-text-body><![CDATA[${text}]]></ac:plain-text-body>`;

describe('storageToMarkdown: macros', () => {
  it("keeps a code macro's content byte for byte with its language", () => {
    const code = '  const a = `x`;\r\n\tif (a < b && c > d) { return "&amp;"; }\n\n   trailing spaces   ';
    const storage = macro('code', parameter('language', 'js') + plainBody(code));
    expect(storageToMarkdown(storage)).toBe(`\`\`\`js\n${code}\n\`\`\``);
  });

  it('fences code containing backtick fences with a longer fence', () => {
    const code = '```md\n# title\n```\n````\nmore';
    expect(storageToMarkdown(macro('code', plainBody(code)))).toBe(`\`\`\`\`\`\n${code}\n\`\`\`\`\``);
  });

  it("keeps a code macro's title in the info string and a final newline as a last blank line", () => {
    const storage = macro(
      'code',
      parameter('language', 'python') + parameter('title', 'setup.py') + plainBody('x\n'),
    );
    expect(storageToMarkdown(storage)).toBe('```python title="setup.py"\nx\n\n```');
  });

  it('joins CDATA sections split around a literal ]]>', () => {
    const storage = macro('code', '<ac:plain-text-body><![CDATA[a]]]]><![CDATA[>b]]></ac:plain-text-body>');
    expect(storageToMarkdown(storage)).toBe('```\na]]>b\n```');
  });

  it('writes a noformat macro as a fence without language', () => {
    expect(storageToMarkdown(macro('noformat', plainBody('*raw* text')))).toBe('```\n*raw* text\n```');
  });

  it('maps info, tip, success, note, warning and error panels to GitHub alerts by colour', () => {
    const panels = ['info', 'tip', 'success', 'note', 'warning', 'error'].map((name) =>
      storageToMarkdown(macro(name, richBody(`<p>${name} body</p>`))),
    );
    expect(panels).toEqual([
      '> [!NOTE]\n> info body',
      '> [!TIP]\n> tip body',
      '> [!TIP]\n> success body',
      '> [!WARNING]\n> note body',
      '> [!CAUTION]\n> warning body',
      '> [!CAUTION]\n> error body',
    ]);
  });

  it("keeps a panel's title as a bold first line and its blocks inside the alert", () => {
    const storage = macro(
      'info',
      parameter('title', 'Heads up') + richBody('<p>One</p><ul><li>item</li></ul>'),
    );
    expect(storageToMarkdown(storage)).toBe('> [!NOTE]\n> **Heads up**\n>\n> One\n>\n> - item');
  });

  it('writes the generic panel macro as a quote with its title', () => {
    const storage = macro(
      'panel',
      parameter('bgColor', '#eee') + parameter('title', 'Box') + richBody('<p>In</p>'),
    );
    expect(storageToMarkdown(storage)).toBe('> **Box**\n>\n> In');
  });

  it('writes the quote macro as a blockquote', () => {
    expect(storageToMarkdown(macro('quote', richBody('<p>Said</p>')))).toBe('> Said');
  });

  it('writes an expand macro as <details> with its title as summary', () => {
    const storage = macro('expand', parameter('title', 'More &lt;info&gt;') + richBody('<p>Hidden</p>'));
    expect(storageToMarkdown(storage)).toBe(
      '<details>\n<summary>More &lt;info&gt;</summary>\n\nHidden\n\n</details>',
    );
  });

  it('writes a status lozenge as a compact code span with title and colour', () => {
    const storage = `<p>State: ${macro('status', parameter('colour', 'Yellow') + parameter('title', 'In progress'))}</p>`;
    expect(storageToMarkdown(storage)).toBe('State: `[STATUS: IN PROGRESS (yellow)]`');
  });

  it('writes generated-content macros as short markers, one per standalone macro', () => {
    const storage =
      macro('toc', parameter('maxLevel', '3')) +
      macro('children', '') +
      macro('pagetree', '') +
      macro('recently-updated', '') +
      macro('contentbylabel', parameter('labels', 'howto') + parameter('max', '5'));
    expect(storageToMarkdown(storage)).toBe(
      '[Table of contents]\n\n[Child pages]\n\n[Page tree]\n\n[Recently updated]\n\n[Content by label (labels=howto)]',
    );
  });

  it('shows the body of an excerpt and nothing for an anchor', () => {
    const storage = `${macro('excerpt', richBody('<p>The gist</p>'))}<p>a${macro('anchor', parameter('', 'here'))}b</p>`;
    expect(storageToMarkdown(storage)).toBe('The gist\n\nab');
  });

  it('keeps an unknown macro visible with its name, parameters and body', () => {
    const storage =
      macro('jira', parameter('server', 'System JIRA') + parameter('key', 'ENG-123')) +
      macro(
        'mystery',
        parameter('page', '<ri:page ri:content-title="Home" ri:space-key="ENG" />') +
          richBody('<p>Inside</p>'),
      ) +
      macro('html', plainBody('<b>raw</b>'));
    expect(storageToMarkdown(storage)).toBe(
      '[Confluence macro: jira (server=System JIRA, key=ENG-123)]\n\n' +
        '[Confluence macro: mystery (page=ENG:Home)]\n\nInside\n\n[Confluence macro: html]\n\n```\n<b>raw</b>\n```',
    );
  });

  it('keeps an unknown inline macro inside its paragraph and escapes its parameters', () => {
    const storage = `<p>See ${macro('jira', parameter('key', '[ENG-1](x)'))} now</p>`;
    expect(storageToMarkdown(storage)).toBe('See [Confluence macro: jira (key=\\[ENG-1\\](x))] now');
  });

  it('reads the legacy ac:macro form with a default parameter', () => {
    const storage =
      '<ac:macro ac:name="code"><ac:default-parameter>java</ac:default-parameter>' +
      '<ac:plain-text-body><![CDATA[int x;]]></ac:plain-text-body></ac:macro>';
    expect(storageToMarkdown(storage)).toBe('```java\nint x;\n```');
  });

  it('writes task lists with checkboxes, keeping mentions and dates in the task', () => {
    const storage =
      '<ac:task-list><ac:task><ac:task-id>1</ac:task-id><ac:task-status>complete</ac:task-status>' +
      '<ac:task-body>Ship it <ac:link><ri:user ri:account-id="u-1" /></ac:link> by <time datetime="2026-03-01" /></ac:task-body></ac:task>' +
      '<ac:task><ac:task-id>2</ac:task-id><ac:task-status>incomplete</ac:task-status><ac:task-body>Review' +
      '<ac:task-list><ac:task><ac:task-status>incomplete</ac:task-status><ac:task-body>nested</ac:task-body></ac:task></ac:task-list>' +
      '</ac:task-body></ac:task></ac:task-list>';
    expect(storageToMarkdown(storage, { userName: () => 'Ann' })).toBe(
      '- [x] Ship it [@Ann](confluence-user:u-1) by [2026-03-01](confluence-date:)\n- [ ] Review\n  - [ ] nested',
    );
  });
});
