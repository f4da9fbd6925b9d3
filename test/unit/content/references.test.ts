import { describe, expect, it } from 'vitest';
import { formatReference, parseReference } from '../../../src/content/references.js';

describe('confluence references', () => {
  it('formats space and title, encoding only the characters that would make it ambiguous', () => {
    expect(formatReference('confluence-page', 'ENG', 'Release notes')).toBe(
      'confluence-page:ENG/Release notes',
    );
    expect(formatReference('confluence-page', undefined, 'A/B #1 100%')).toBe(
      'confluence-page:A%2FB %231 100%25',
    );
  });

  it('parses a formatted reference back to exactly its components and fragment', () => {
    const title = 'Q3 / Q4 plans #draft 50% <new>\\';
    const parsed = parseReference(`${formatReference('confluence-page', '~712020:abc', title)}#Section 1`);
    expect(parsed).toEqual({
      scheme: 'confluence-page',
      components: ['~712020:abc', title],
      fragment: 'Section 1',
    });
  });

  it('returns undefined for other URLs and malformed encodings', () => {
    expect(parseReference('https://example.com')).toBeUndefined();
    expect(parseReference('confluence-page:%E0%A4%A')).toBeUndefined();
  });
});
