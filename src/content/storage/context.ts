/** Options of {@link markdownToStorage}. */
export interface MarkdownToStorageOptions {
  /**
   * Storage fragments by id, for `<!-- confluence-keep ID: … -->` placeholders (see `editable.ts`): each is
   * replaced by its fragment byte for byte. Without it, or for an unknown id, the placeholder is dropped.
   */
  readonly preserved?: ReadonlyMap<string, string>;
  /**
   * Whether ISO dates (`2026-03-01`) in plain text, outside headings, become date chips; default false: a chip is
   * written as `<time datetime="2026-03-01">…</time>`, and plain text stays plain text.
   */
  readonly dateChips?: boolean;
  /** The id of the first task of a task list; default 1. Task ids must be unique within a page. */
  readonly firstTaskId?: number;
}

const KEEP = /^\s*confluence-keep(?:-inline)?\s+([\w-]+)(?:\s*:[\s\S]*)?\s*$/;

/** The id named by a placeholder comment's text, `'malformed'` for a damaged one, undefined for other comments. */
export function keepId(commentText: string): string | undefined {
  if (!/^\s*confluence-keep/.test(commentText)) return undefined;
  return KEEP.exec(commentText)?.[1] ?? 'malformed';
}

/** State of one conversion: task numbering and which placeholders were met. */
export class ConversionContext {
  private nextTask: number;
  /** Ids of placeholders replaced by their fragment, in the order met. */
  readonly keptIds: string[] = [];
  /** Placeholders whose id has no fragment, or whose text was damaged. */
  readonly unresolvedKeeps: string[] = [];

  constructor(readonly options: MarkdownToStorageOptions) {
    this.nextTask = Math.max(1, Math.floor(options.firstTaskId ?? 1));
  }

  get dateChips(): boolean {
    return this.options.dateChips === true;
  }

  taskId(): number {
    return this.nextTask++;
  }

  /** The fragment for a comment, '' for an unresolved placeholder, undefined when it is no placeholder. */
  keep(commentText: string): string | undefined {
    const id = keepId(commentText);
    if (id === undefined) return undefined;
    const fragment = id === 'malformed' ? undefined : this.options.preserved?.get(id);
    if (fragment === undefined) {
      this.unresolvedKeeps.push(commentText.trim());
      return '';
    }
    this.keptIds.push(id);
    return fragment;
  }
}
