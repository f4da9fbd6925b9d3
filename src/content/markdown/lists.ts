import { attr, child, collapsedText, isBlankText } from '../dom.js';
import type { StorageElement, StorageNode } from '../parse.js';
import type { MarkdownContext } from './context.js';
import type { MarkdownWriter } from './writer.js';

interface Item {
  marker: string;
  readonly content: StorageNode[];
}

/**
 * Groups a list's children into items. Anything between items (a nested list written beside the `<li>`,
 * stray text) joins the item before it, so no content is dropped.
 */
function groupItems(
  list: StorageElement,
  itemName: string,
  itemContent: (item: StorageElement) => { marker: string; content: readonly StorageNode[] },
): Item[] {
  const items: Item[] = [];
  let current: Item | undefined;
  for (const node of list.children) {
    if (node.type === 'element' && node.name === itemName) {
      const { marker, content } = itemContent(node);
      current = { marker, content: [...content] };
      items.push(current);
    } else if (!isBlankText(node)) {
      if (current === undefined) {
        current = { marker: '- ', content: [] };
        items.push(current);
      }
      current.content.push(node);
    }
  }
  return items;
}

function writeItems(items: readonly Item[], ctx: MarkdownContext, writer: MarkdownWriter): void {
  const itemCtx: MarkdownContext = { ...ctx, inListItem: true };
  items.forEach((item, index) => {
    if (index > 0) writer.setSeparator('newline');
    const marker = item.marker;
    // Content lines are indented to the column after the bullet or number, as CommonMark requires.
    const width = /^(?:- |\d+\. )/.exec(marker)?.[0].length ?? marker.length;
    writer.enter(marker, ' '.repeat(width));
    ctx.render.renderBlocks(item.content, itemCtx, writer);
    writer.exit();
  });
}

/** A nested list may follow its item's paragraph on the next line; elsewhere blocks are blank-line separated. */
function separateFromParagraph(ctx: MarkdownContext, writer: MarkdownWriter, canInterrupt: boolean): void {
  if (ctx.inListItem && canInterrupt && !writer.atContainerStart && writer.lastBlockKind === 'paragraph') {
    writer.setSeparator('newline');
  }
}

/** Renders `<ul>`/`<ol>` with `-` bullets or numbers counting from the list's `start`. */
export function renderList(list: StorageElement, ctx: MarkdownContext, writer: MarkdownWriter): void {
  const ordered = list.name === 'ol';
  const items = groupItems(list, 'li', (item) => ({ marker: '- ', content: item.children }));
  if (items.length === 0) return;
  const parsedStart = Number.parseInt(attr(list, 'start') ?? '1', 10);
  const start = parsedStart >= 0 && parsedStart < 1e8 ? parsedStart : 1;
  if (ordered) {
    items.forEach((item, index) => {
      item.marker = `${start + index}. `;
    });
  }
  // An ordered list can interrupt a paragraph only when it starts at 1.
  separateFromParagraph(ctx, writer, !ordered || start === 1);
  writeItems(items, ctx, writer);
}

/** Renders `<ac:task-list>` as a GitHub task list, `- [x]` for complete tasks and `- [ ]` for the rest. */
export function renderTaskList(list: StorageElement, ctx: MarkdownContext, writer: MarkdownWriter): void {
  const items = groupItems(list, 'ac:task', (task) => {
    const status = child(task, 'ac:task-status');
    const done = status !== undefined && collapsedText(status).toLowerCase() === 'complete';
    const body = child(task, 'ac:task-body');
    return { marker: done ? '- [x] ' : '- [ ] ', content: body?.children ?? [] };
  });
  if (items.length === 0) return;
  separateFromParagraph(ctx, writer, true);
  writeItems(items, ctx, writer);
}
