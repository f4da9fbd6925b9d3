import { describe, expect, it } from 'vitest';
import { codeFence, codeSpan, escapeLineStart, linkDestination } from '../../../src/content/escape.js';

describe('Markdown escaping helpers', () => {
  it('picks a code span fence that no backtick run inside matches, padding edge backticks', () => {
    expect(codeSpan('a')).toBe('`a`');
    expect(codeSpan('a`b')).toBe('``a`b``');
    expect(codeSpan('a``b`c')).toBe('```a``b`c```');
    expect(codeSpan('`x')).toBe('`` `x ``');
    expect(codeSpan(' x ')).toBe('`  x  `');
  });

  it('makes code block fences at least three and longer than any backtick run', () => {
    expect(codeFence('plain')).toBe('```');
    expect(codeFence('a ``` b ````` c')).toBe('``````');
  });

  it('leaves safe URLs bare and wraps the others in angle brackets', () => {
    expect(linkDestination('https://e.com/a_(b)?q=1')).toBe('https://e.com/a_(b)?q=1');
    expect(linkDestination('https://e.com/a)b')).toBe('<https://e.com/a)b>');
    expect(linkDestination('confluence-page:ENG/My page')).toBe('<confluence-page:ENG/My page>');
    expect(linkDestination('x<y>\nz')).toBe('<x\\<y\\>z>');
    expect(linkDestination('')).toBe('<>');
  });

  it('escapes only line starts that would begin another block', () => {
    expect(escapeLineStart('#hashtag')).toBe('#hashtag');
    expect(escapeLineStart('## two')).toBe('\\## two');
    expect(escapeLineStart('-1 degrees')).toBe('-1 degrees');
    expect(escapeLineStart('2024. A year')).toBe('2024\\. A year');
    expect(escapeLineStart('* * *')).toBe('\\* * *');
    expect(escapeLineStart('--- | ---')).toBe('\\--- | ---');
    expect(escapeLineStart('~~~ fence')).toBe('\\~~~ fence');
  });
});
