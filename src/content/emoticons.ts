import { attr } from './dom.js';
import type { StorageElement } from './parse.js';

/** Confluence's legacy emoticon names and their emoji; newer pages also carry the emoji itself. */
export const EMOTICONS: Readonly<Record<string, string>> = {
  smile: '🙂',
  sad: '🙁',
  cheeky: '😛',
  laugh: '😀',
  wink: '😉',
  'thumbs-up': '👍',
  'thumbs-down': '👎',
  information: 'ℹ️',
  tick: '✅',
  cross: '❌',
  warning: '⚠️',
  plus: '➕',
  minus: '➖',
  question: '❓',
  'light-on': '💡',
  'light-off': '💡',
  'yellow-star': '⭐',
  'red-star': '⭐',
  'green-star': '⭐',
  'blue-star': '⭐',
  heart: '❤️',
  'broken-heart': '💔',
};

// Each emoji storageToMarkdown writes for a legacy emoticon goes back to the first emoticon name that has it.
const EMOTICON_NAMES = new Map<string, string>();
for (const [name, emoji] of Object.entries(EMOTICONS)) {
  const base = emoji.replace(/\ufe0f$/, '');
  if (!EMOTICON_NAMES.has(base)) EMOTICON_NAMES.set(base, name);
}

/** The emoji Markdown to storage turns into `ac:emoticon`s (global; use with `matchAll` or `replace`). */
export const EMOTICON_EMOJI = new RegExp(
  `(?:${[...EMOTICON_NAMES.keys()].map((emoji) => emoji.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')).join('|')})\\ufe0f?`,
  'gu',
);

/** The legacy emoticon name for one of {@link EMOTICON_EMOJI}'s emoji, or undefined. */
export function emoticonNameOf(emoji: string): string | undefined {
  return EMOTICON_NAMES.get(emoji.replace(/\ufe0f$/, ''));
}

function emojiFromId(id: string): string | undefined {
  // Atlassian emoji ids for standard emoji are code points in hex, joined by dashes: `1f44d-1f3fb`.
  if (!/^[\da-f]{2,6}(?:-[\da-f]{2,6})*$/i.test(id)) return undefined;
  const codePoints = id.split('-').map((hex) => Number.parseInt(hex, 16));
  if (codePoints.some((codePoint) => codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff))) {
    return undefined;
  }
  return String.fromCodePoint(...codePoints);
}

/** The emoji for an `ac:emoticon`, falling back to its `:name:` when it names no known emoji. */
export function emoticonText(element: StorageElement): string {
  const fallback = attr(element, 'ac:emoji-fallback')?.trim();
  if (fallback && !/^:[^:\s]+:$/.test(fallback)) return fallback;
  const fromId = emojiFromId(attr(element, 'ac:emoji-id') ?? '');
  if (fromId !== undefined) return fromId;
  const name = attr(element, 'ac:name') ?? '';
  const known = EMOTICONS[name];
  if (known !== undefined) return known;
  if (fallback) return fallback;
  const shortName = attr(element, 'ac:emoji-shortname');
  return shortName ?? (name === '' ? '' : `:${name}:`);
}
