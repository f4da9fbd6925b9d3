import { describe, expect, it } from 'vitest';
import { rememberedTags } from '../../../src/runtime.js';

describe('rememberedTags', () => {
  it('hashes each user once, and forgets them all when full rather than grow', () => {
    const hashed: string[] = [];
    const tag = rememberedTags((userKey) => {
      hashed.push(userKey);
      return `tag-${userKey}`;
    }, 2);
    expect([tag('a'), tag('b'), tag('a'), tag('b')]).toEqual(['tag-a', 'tag-b', 'tag-a', 'tag-b']);
    expect(hashed).toEqual(['a', 'b']);
    expect(tag('c')).toBe('tag-c');
    expect(tag('a')).toBe('tag-a');
    expect(hashed).toEqual(['a', 'b', 'c', 'a']);
  });
});
