import { describe, expect, it } from 'vitest';
import {
  MAX_DEPTH,
  parseStorage,
  type StorageElement,
  type StorageNode,
} from '../../../src/content/parse.js';

function element(node: StorageNode | undefined): StorageElement {
  if (node?.type !== 'element') throw new Error('expected an element');
  return node;
}

describe('parseStorage', () => {
  it('keeps namespaced names and attributes, self-closing tags and CDATA verbatim', () => {
    const root = parseStorage(
      '<ac:structured-macro ac:name="code"><ri:page ri:content-title="A &amp; B"/>' +
        '<ac:plain-text-body><![CDATA[a &amp; <b>]]></ac:plain-text-body></ac:structured-macro>',
    );
    const macro = element(root.children[0]);
    expect(macro.name).toBe('ac:structured-macro');
    expect(macro.attrs['ac:name']).toBe('code');
    const page = element(macro.children[0]);
    expect(page).toEqual({
      type: 'element',
      name: 'ri:page',
      attrs: { 'ri:content-title': 'A & B' },
      children: [],
    });
    expect(element(macro.children[1]).children).toEqual([{ type: 'text', text: 'a &amp; <b>' }]);
  });

  it('decodes HTML named entities that are not XML entities, in text and attributes', () => {
    const root = parseStorage('<p title="a&nbsp;b&rsquo;">&mdash;&nbsp;&hellip;&amp;lt;&#169;&#x2603;</p>');
    const paragraph = element(root.children[0]);
    expect(paragraph.attrs.title).toBe('a\u00a0b’');
    expect(paragraph.children).toEqual([{ type: 'text', text: '—\u00a0…&lt;©☃' }]);
  });

  it('leaves unknown entities and ones without a semicolon as written', () => {
    const paragraph = element(parseStorage('<p>&bogus; &amp AT&T</p>').children[0]);
    expect(paragraph.children).toEqual([{ type: 'text', text: '&bogus; &amp AT&T' }]);
  });

  it('treats HTML void elements as empty even without a slash', () => {
    const paragraph = element(parseStorage('<p>a<br>b</br>c</p>').children[0]);
    expect(paragraph.children.map((node) => (node.type === 'text' ? node.text : node.name))).toEqual([
      'a',
      'br',
      'b',
      'c',
    ]);
  });

  it('stops nesting at MAX_DEPTH, keeping deeper text in the deepest element', () => {
    const root = parseStorage(`${'<div>'.repeat(MAX_DEPTH + 50)}deep`);
    let depth = 0;
    let node: StorageElement = root;
    for (let next = node.children[0]; next?.type === 'element'; next = node.children[0]) {
      node = next;
      depth++;
    }
    expect(depth).toBe(MAX_DEPTH);
    const text = node.children.map((child) => (child.type === 'text' ? child.text : child.name)).join('');
    expect(text.trim()).toBe('deep');
  });
});
