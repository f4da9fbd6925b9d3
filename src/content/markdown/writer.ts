/** What goes between the previous block and the next one. */
export type Separator = 'none' | 'newline' | 'blank';

const SEPARATOR_RANK: Record<Separator, number> = { none: 0, newline: 1, blank: 2 };

interface Level {
  /** Prefix of the level's first line (a list marker), or undefined once used or when there is none. */
  first: string | undefined;
  readonly continuation: string;
  /** The continuation prefixes of this level and all outer ones. */
  readonly full: string;
}

/**
 * Accumulates Markdown blocks as lines. Containers (list items, quotes) are entered with a first-line and a
 * continuation prefix that apply to every line written inside them, so nested content is written once and never
 * re-indented, keeping output time linear in its size.
 */
export class MarkdownWriter {
  private readonly lines: string[] = [];
  private readonly levels: Level[] = [];
  private separator: Separator = 'none';
  /** How many levels the pending blank line belongs to: the shallowest depth since the last block. */
  private separatorDepth = 0;
  /** Index of the outermost level whose first-line prefix is still unused, or -1. */
  private firstPending = -1;
  private lastKind = '';

  /** Kind given with the most recently written block, e.g. `paragraph`. */
  get lastBlockKind(): string {
    return this.lastKind;
  }

  /** True while the innermost container has not written its first line yet. */
  get atContainerStart(): boolean {
    return this.firstPending !== -1;
  }

  get isEmpty(): boolean {
    return this.lines.length === 0;
  }

  /** The lines written so far (each may hold line breaks of its own); `toString` joins them with newlines. */
  get written(): readonly string[] {
    return this.lines;
  }

  enter(first: string | undefined, continuation: string): void {
    const outer = this.levels[this.levels.length - 1];
    if (first !== undefined && this.firstPending === -1) this.firstPending = this.levels.length;
    this.levels.push({ first, continuation, full: (outer?.full ?? '') + continuation });
  }

  exit(): void {
    const index = this.levels.length - 1;
    const level = this.levels[index];
    if (level === undefined) return;
    // A container with no content still shows its marker, e.g. an empty list item.
    if (level.first !== undefined) this.write([''], 'empty');
    this.levels.pop();
    if (this.separatorDepth > this.levels.length) this.separatorDepth = this.levels.length;
  }

  /** Replaces the pending separator, e.g. to keep list items on consecutive lines. */
  setSeparator(separator: Separator): void {
    this.separator = separator;
  }

  /** Writes one block; lines are joined by newlines and prefixed for the current containers. */
  write(lines: readonly string[], kind = 'block'): void {
    if (this.lines.length > 0 && SEPARATOR_RANK[this.separator] >= SEPARATOR_RANK.blank) {
      this.lines.push((this.levels[this.separatorDepth - 1]?.full ?? '').trimEnd());
    }
    let prefix = this.firstLinePrefix();
    const rest = this.levels[this.levels.length - 1]?.full ?? '';
    for (const line of lines) {
      this.lines.push(line === '' ? prefix.trimEnd() : prefix + line);
      prefix = rest;
    }
    this.separator = 'blank';
    this.separatorDepth = this.levels.length;
    this.lastKind = kind;
  }

  private firstLinePrefix(): string {
    const start = this.firstPending;
    if (start === -1) return this.levels[this.levels.length - 1]?.full ?? '';
    this.firstPending = -1;
    const parts = [this.levels[start - 1]?.full ?? ''];
    for (let index = start; index < this.levels.length; index++) {
      const level = this.levels[index];
      if (level === undefined) continue;
      parts.push(level.first ?? level.continuation);
      level.first = undefined;
    }
    return parts.join('');
  }

  toString(): string {
    return this.lines.join('\n');
  }
}
