import type { InlineResult } from './inline.js';
import { attributes, structuredMacro } from './xhtml.js';

/**
 * What an open container becomes. Containers opened by Markdown close with their closing token; those opened by
 * raw HTML (`<table>`, `<details>`) close with their closing tag, or at the latest with the Markdown container
 * around them, so the output is balanced whatever the input.
 */
export type FrameKind =
  | 'root'
  | 'quote'
  | 'alert'
  | 'list'
  | 'item'
  | 'task'
  | 'table'
  | 'row'
  | 'cell'
  | 'details'
  | 'element';

export interface Frame {
  readonly kind: FrameKind;
  /** Opened by an HTML tag: the tag name it closes on; undefined for Markdown containers. */
  readonly tag: string | undefined;
  readonly parts: string[];
  /** Inline content goes in as is rather than as a paragraph (task bodies, `<p>`, `<li>`, headings). */
  inline: boolean;
  /** Wraps the finished content for the parent. */
  readonly finish: (content: string, frame: Frame) => string;
  /** For lists: finished items, each noting whether it is a task. */
  readonly items?: { task: boolean; storage: string }[];
  /** For expand macros: the `<summary>`. */
  title?: string;
}

/** Options for a new frame. */
export interface FrameSpec {
  readonly kind: FrameKind;
  readonly tag?: string;
  readonly inline?: boolean;
  readonly finish: (content: string, frame: Frame) => string;
}

function listFinish(ordered: boolean, start: number): (content: string, frame: Frame) => string {
  return (_content, frame) => {
    let out = '';
    let run: { task: boolean; parts: string[] } | undefined;
    const flush = (): void => {
      if (run === undefined || run.parts.length === 0) return;
      const tag = run.task ? 'ac:task-list' : ordered ? 'ol' : 'ul';
      const startAttr = !run.task && ordered && start !== 1 ? attributes({ start: String(start) }) : '';
      out += `<${tag}${startAttr}>${run.parts.join('')}</${tag}>`;
    };
    for (const item of frame.items ?? []) {
      if (run === undefined || run.task !== item.task) {
        flush();
        run = { task: item.task, parts: [] };
      }
      run.parts.push(item.storage);
    }
    flush();
    return out;
  };
}

/** A bullet or numbered list; task items among its items become task lists of their own. */
export function listSpec(ordered: boolean, start: number, tag?: string): FrameSpec & { items: [] } {
  return {
    kind: 'list',
    ...(tag === undefined ? {} : { tag }),
    finish: listFinish(ordered, start),
    items: [],
  };
}

/** A task: `<ac:task>` with its id and status around the body. */
export function taskSpec(id: number, done: boolean): FrameSpec {
  return {
    kind: 'task',
    inline: true,
    finish: (content) =>
      `<ac:task><ac:task-id>${id}</ac:task-id><ac:task-status>${done ? 'complete' : 'incomplete'}</ac:task-status>` +
      `<ac:task-body>${content}</ac:task-body></ac:task>`,
  };
}

/** A plain element around block content, e.g. `<blockquote>` or `<li>`. */
export function elementSpec(kind: FrameKind, name: string, tag?: string, inline = false): FrameSpec {
  return {
    kind,
    ...(tag === undefined ? {} : { tag }),
    inline,
    finish: (content) => (content === '' && kind === 'element' ? '' : `<${name}>${content}</${name}>`),
  };
}

/** An expand macro; its title comes from `<summary>`. */
export function detailsSpec(): FrameSpec {
  return {
    kind: 'details',
    tag: 'details',
    finish: (content, frame) => {
      const title = frame.title?.trim();
      const parameters: [string, string][] =
        title && title !== 'Click here to expand...' ? [['title', title]] : [];
      return structuredMacro('expand', parameters, { kind: 'rich', storage: content });
    },
  };
}

/** A panel macro for a GitHub alert. */
export function alertSpec(macro: string, title: string | undefined): FrameSpec {
  return {
    kind: 'alert',
    finish: (content) =>
      structuredMacro(macro, title ? [['title', title]] : [], { kind: 'rich', storage: content }),
  };
}

/** A table, its rows and cells; tables with no cells are left out. */
export function tableSpec(tag?: string): FrameSpec {
  return {
    kind: 'table',
    ...(tag === undefined ? {} : { tag }),
    finish: (content) =>
      content === '' ? '' : `<table data-layout="default"><tbody>${content}</tbody></table>`,
  };
}

export function rowSpec(tag?: string): FrameSpec {
  return {
    kind: 'row',
    ...(tag === undefined ? {} : { tag }),
    finish: (content) => (content === '' ? '' : `<tr>${content}</tr>`),
  };
}

export function cellSpec(
  header: boolean,
  spans: { colspan?: string; rowspan?: string },
  tag?: string,
): FrameSpec {
  const name = header ? 'th' : 'td';
  return {
    kind: 'cell',
    ...(tag === undefined ? {} : { tag }),
    finish: (content) => `<${name}${attributes(spans)}>${content}</${name}>`,
  };
}

/** Writes storage into nested containers, closing whatever is left open so the result is always balanced. */
export class StorageBuilder {
  private readonly stack: Frame[] = [
    { kind: 'root', tag: undefined, parts: [], inline: false, finish: (content) => content },
  ];

  get top(): Frame {
    return this.stack[this.stack.length - 1] ?? this.root;
  }

  private get root(): Frame {
    return this.stack[0] as Frame;
  }

  open(spec: FrameSpec & { items?: [] }): Frame {
    const frame: Frame = {
      kind: spec.kind,
      tag: spec.tag,
      parts: [],
      inline: spec.inline ?? false,
      finish: spec.finish,
      ...(spec.items === undefined ? {} : { items: [] }),
    };
    this.stack.push(frame);
    return frame;
  }

  /** Closes the innermost container, writing it into its parent. */
  close(): void {
    if (this.stack.length <= 1) return;
    const frame = this.stack.pop() as Frame;
    const storage = frame.finish(frame.parts.join(''), frame);
    const parent = this.top;
    if ((frame.kind === 'item' || frame.kind === 'task') && parent.items !== undefined) {
      parent.items.push({ task: frame.kind === 'task', storage });
    } else if (parent.kind === 'list' && parent.items !== undefined) {
      // Content written between items, e.g. an HTML list's stray text, becomes an item of its own.
      if (storage !== '') parent.items.push({ task: false, storage: `<li>${storage}</li>` });
    } else {
      parent.parts.push(storage);
    }
  }

  /** Closes the innermost Markdown container and any HTML containers left open inside it. */
  closeMarkdown(): void {
    while (this.stack.length > 1 && this.top.tag !== undefined) this.close();
    this.close();
  }

  /** Index of the innermost open HTML container matching, not looking past the innermost Markdown container. */
  findHtml(matches: (frame: Frame) => boolean, stopAt?: (frame: Frame) => boolean): number {
    for (let index = this.stack.length - 1; index > 0; index--) {
      const frame = this.stack[index] as Frame;
      if (frame.tag === undefined || stopAt?.(frame)) return -1;
      if (matches(frame)) return index;
    }
    return -1;
  }

  /** The open container at `index` (from {@link findHtml}), or undefined for -1. */
  frameAt(index: number): Frame | undefined {
    return index < 1 ? undefined : this.stack[index];
  }

  /** Closes containers down to and including the one at `index`. */
  closeTo(index: number): void {
    if (index < 1) return;
    while (this.stack.length > index) this.close();
  }

  /** Makes sure block content can go here: inside a table it needs a row and a cell, inside a list an item. */
  private prepareForContent(): void {
    const kind = this.top.kind;
    if (kind === 'table') this.open(rowSpec(this.top.tag === undefined ? undefined : 'tr'));
    if (this.top.kind === 'row')
      this.open(cellSpec(false, {}, this.top.tag === undefined ? undefined : 'td'));
    if (this.top.kind === 'list')
      this.open(elementSpec('item', 'li', this.top.tag === undefined ? undefined : 'li'));
  }

  /** Adds block-level storage to the current container. */
  block(storage: string): void {
    if (storage === '') return;
    this.prepareForContent();
    this.top.parts.push(storage);
  }

  /** Adds inline content: as a paragraph, or as is in containers of inline content and for lone placeholders. */
  inline(result: InlineResult): void {
    if (result.storage.trim() === '') return;
    this.prepareForContent();
    const top = this.top;
    if (top.inline || result.onlyKept || result.onlyMarker) top.parts.push(result.storage);
    else top.parts.push(`<p>${result.storage}</p>`);
  }

  /** Closes everything and returns the document. */
  finish(): string {
    while (this.stack.length > 1) this.close();
    return this.root.parts.join('');
  }
}
