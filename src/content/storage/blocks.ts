import {
  alertSpec,
  cellSpec,
  elementSpec,
  listSpec,
  rowSpec,
  StorageBuilder,
  tableSpec,
  taskSpec,
} from './builder.js';
import type { ConversionContext } from './context.js';
import { HtmlBlocks } from './html-blocks.js';
import { inlineToStorage } from './inline.js';
import { codeMacro, takeAlert } from './macros.js';
import type { Token } from './markdown-parser.js';
import { escapeXml } from './xhtml.js';

const TASK_MARKER = /^\[([ xX])\](?:[ \t]+|$)/;

/**
 * When the list item at `index` starts with a task marker (`[ ]` or `[x]`), strips it and says whether the task
 * is done. The marker must be unescaped text at the very start of the item's first paragraph.
 */
function takeTaskMarker(tokens: readonly Token[], index: number): boolean | undefined {
  const paragraph = tokens[index + 1];
  const first = tokens[index + 2]?.children?.[0];
  if (paragraph?.type !== 'paragraph_open' || first?.type !== 'text') return undefined;
  const match = TASK_MARKER.exec(first.content);
  if (match === null) return undefined;
  first.content = first.content.slice(match[0].length);
  return match[1] !== ' ';
}

/**
 * Content nested deeper than the parser reads: its lines as text, line breaks kept, and any placeholder in it
 * replaced by its fragment so nothing preserved is lost.
 */
function tooDeep(content: string, builder: StorageBuilder, ctx: ConversionContext): void {
  const parts = content.trim().split(/(<!--\s*confluence-keep[\s\S]*?-->)/);
  let text = '';
  const flush = (): void => {
    if (text.trim() !== '') builder.block(`<p>${escapeXml(text.trim()).replace(/\n/g, '<br />')}</p>`);
    text = '';
  };
  parts.forEach((part, index) => {
    if (index % 2 === 0) {
      text += part;
      return;
    }
    flush();
    builder.block(ctx.keep(part.slice(4, -3)) ?? '');
  });
  flush();
}

/** Converts markdown-it block tokens to storage; containers always close, so the output is balanced. */
export function blocksToStorage(tokens: readonly Token[], ctx: ConversionContext): string {
  const builder = new StorageBuilder();
  const html = new HtmlBlocks(builder, ctx);
  const bulletLists = new WeakSet<object>();
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index] as Token;
    switch (token.type) {
      case 'paragraph_open': {
        const inline = tokens[index + 1];
        builder.inline(inlineToStorage(inline?.children ?? [], ctx));
        // Only a task's first paragraph is its inline body; later ones are paragraphs.
        if (builder.top.kind === 'task') builder.top.inline = false;
        index += 2;
        break;
      }
      case 'heading_open': {
        const children = tokens[index + 1]?.children ?? [];
        // With `dateChips`, a heading that is only a date is a date chip, as meeting notes have them.
        const onlyDate =
          ctx.dateChips &&
          children.length === 1 &&
          /^\s*\d{4}-\d{2}-\d{2}\s*$/.test(children[0]?.content ?? '');
        const content = inlineToStorage(children, ctx, !onlyDate).storage;
        if (content.trim() !== '') builder.block(`<${token.tag}>${content}</${token.tag}>`);
        index += 2;
        break;
      }
      case 'blockquote_open': {
        const alert = takeAlert(tokens, index);
        builder.open(
          alert === undefined ? elementSpec('quote', 'blockquote') : alertSpec(alert.macro, alert.title),
        );
        break;
      }
      case 'bullet_list_open':
      case 'ordered_list_open': {
        const start = Number.parseInt(token.attrGet('start')?.toString() ?? '1', 10);
        const frame = builder.open(
          listSpec(token.type === 'ordered_list_open', Number.isSafeInteger(start) ? start : 1),
        );
        if (token.type === 'bullet_list_open') bulletLists.add(frame);
        break;
      }
      case 'list_item_open': {
        const done = bulletLists.has(builder.top) ? takeTaskMarker(tokens, index) : undefined;
        builder.open(done === undefined ? elementSpec('item', 'li') : taskSpec(ctx.taskId(), done));
        break;
      }
      case 'blockquote_close':
      case 'bullet_list_close':
      case 'ordered_list_close':
      case 'list_item_close':
      case 'table_close':
      case 'tr_close':
      case 'th_close':
      case 'td_close':
        builder.closeMarkdown();
        break;
      case 'fence':
      case 'code_block':
        builder.block(codeMacro(token));
        break;
      case 'hr':
        builder.block('<hr />');
        break;
      case 'html_block':
        html.write(token.content);
        break;
      case 'table_open':
        builder.open(tableSpec());
        break;
      case 'tr_open':
        builder.open(rowSpec());
        break;
      case 'th_open':
      case 'td_open':
        builder.open(cellSpec(token.type === 'th_open', {}));
        break;
      case 'inline':
        builder.inline(inlineToStorage(token.children ?? [], ctx));
        break;
      case 'too_deep':
        tooDeep(token.content, builder, ctx);
        break;
    }
  }
  return builder.finish();
}
