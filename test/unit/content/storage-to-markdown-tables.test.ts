import { describe, expect, it } from 'vitest';
import { storageToMarkdown } from '../../../src/content/storage-to-markdown.js';

function table(rows: string): string {
  return `<table data-layout="default"><colgroup><col /><col /></colgroup><tbody>${rows}</tbody></table>`;
}

describe('storageToMarkdown: tables', () => {
  it('writes a simple table as a pipe table with the th row as header', () => {
    const storage = table(
      '<tr><th><p>Name</p></th><th><p>Role</p></th></tr>' +
        '<tr><td><p>Ann</p></td><td><p><strong>Lead</strong></p></td></tr>' +
        '<tr><td>Bob</td><td /></tr>',
    );
    expect(storageToMarkdown(storage)).toBe('| Name | Role |\n| --- | --- |\n| Ann | **Lead** |\n| Bob |  |');
  });

  it('uses the first row as header when there is no th row, and pads short rows', () => {
    const storage = table('<tr><td>a</td><td>b</td></tr><tr><td>c</td></tr>');
    expect(storageToMarkdown(storage)).toBe('| a | b |\n| --- | --- |\n| c |  |');
  });

  it('escapes pipes in cells, also inside inline code, and writes line breaks as <br>', () => {
    const storage = table('<tr><th>h</th></tr><tr><td><p>a | b <code>x|y</code><br />next</p></td></tr>');
    expect(storageToMarkdown(storage)).toBe('| h |\n| --- |\n| a \\| b `x\\|y`<br>next |');
  });

  it('falls back to an HTML table keeping merged cells and every cell', () => {
    const storage = table(
      '<tr><th colspan="2">Both</th></tr><tr><td rowspan="2">tall</td><td>one</td></tr><tr><td>two</td></tr>',
    );
    expect(storageToMarkdown(storage)).toBe(
      '<table>\n<tr>\n<th colspan="2">Both</th>\n</tr>\n<tr>\n<td rowspan="2">tall</td>\n<td>one</td>\n</tr>\n' +
        '<tr>\n<td>two</td>\n</tr>\n</table>',
    );
  });

  it('falls back to HTML with Markdown cell content for lists, paragraphs and code in cells', () => {
    const storage = table(
      '<tr><th>Steps</th><th>Notes</th></tr>' +
        '<tr><td><ol><li>first</li><li>second</li></ol></td><td><p>para one</p><p>para two</p></td></tr>' +
        '<tr><td><ac:structured-macro ac:name="code"><ac:plain-text-body><![CDATA[a | b]]></ac:plain-text-body>' +
        '</ac:structured-macro></td><td>plain</td></tr>',
    );
    expect(storageToMarkdown(storage)).toBe(
      [
        '<table>',
        '<tr>',
        '<th>Steps</th>',
        '<th>Notes</th>',
        '</tr>',
        '<tr>',
        '<td>',
        '',
        '1. first',
        '2. second',
        '',
        '</td>',
        '<td>',
        '',
        'para one',
        '',
        'para two',
        '',
        '</td>',
        '</tr>',
        '<tr>',
        '<td>',
        '',
        '```',
        'a | b',
        '```',
        '',
        '</td>',
        '<td>plain</td>',
        '</tr>',
        '</table>',
      ].join('\n'),
    );
  });

  it('renders a nested table inside an HTML cell', () => {
    const storage = table(`<tr><td>${table('<tr><td>inner</td></tr>')}</td></tr>`);
    expect(storageToMarkdown(storage)).toBe(
      '<table>\n<tr>\n<td>\n\n| inner |\n| --- |\n\n</td>\n</tr>\n</table>',
    );
  });

  it('keeps a caption and stray content of a table', () => {
    const storage = '<table><caption>Totals</caption><tr><td>1</td></tr>loose text</table>';
    expect(storageToMarkdown(storage)).toBe('Totals\n\n| 1 |\n| --- |\n\nloose text');
  });

  it('converts a 250-row table row for row', () => {
    const rows = Array.from(
      { length: 250 },
      (_, index) => `<tr><td>r${index}</td><td>${index * 2}</td></tr>`,
    );
    const markdown = storageToMarkdown(table(`<tr><th>row</th><th>value</th></tr>${rows.join('')}`));
    const lines = markdown.split('\n');
    expect(lines).toHaveLength(252);
    expect(lines[0]).toBe('| row | value |');
    expect(lines[2]).toBe('| r0 | 0 |');
    expect(lines[251]).toBe('| r249 | 498 |');
  });
});
