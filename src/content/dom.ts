import type { SourceElement, StorageElement, StorageNode } from './parse.js';

/** The attribute's value, or undefined when absent. */
export function attr(element: StorageElement, name: string): string | undefined {
  return Object.hasOwn(element.attrs, name) ? element.attrs[name] : undefined;
}

/** The first direct child element with this name. */
export function child(element: StorageElement, name: string): StorageElement | undefined {
  for (const node of element.children) {
    if (node.type === 'element' && node.name === name) return node;
  }
  return undefined;
}

/** Direct child elements, optionally only those with this name. */
export function childElements(element: SourceElement, name?: string): SourceElement[];
export function childElements(element: StorageElement, name?: string): StorageElement[];
export function childElements(element: StorageElement, name?: string): StorageElement[] {
  const result: StorageElement[] = [];
  for (const node of element.children) {
    if (node.type === 'element' && (name === undefined || node.name === name)) result.push(node);
  }
  return result;
}

/** True for text made only of collapsible whitespace (not non-breaking spaces). */
export function isBlankText(node: StorageNode): boolean {
  return node.type === 'text' && /^[ \t\n\r\f]*$/.test(node.text);
}

function collectText(node: StorageNode, parts: string[]): void {
  if (node.type === 'text') {
    parts.push(node.text);
    return;
  }
  if (node.name === 'br') parts.push('\n');
  // The tree is at most MAX_DEPTH deep, so recursion is bounded.
  for (const item of node.children) collectText(item, parts);
}

/** All text under the node as written, `<br>` as a newline. */
export function textContent(node: StorageNode): string {
  if (node.type === 'text') return node.text;
  const parts: string[] = [];
  collectText(node, parts);
  return parts.join('');
}

/** Text with whitespace runs collapsed to single spaces and trimmed. */
export function collapsedText(node: StorageNode): string {
  return collapseWhitespace(textContent(node)).trim();
}

/** Collapses runs of HTML whitespace (not non-breaking spaces) into one space, as browsers do. */
export function collapseWhitespace(text: string): string {
  return text.replace(/[ \t\n\r\f]+/g, ' ');
}

/**
 * All text under the node for describing it (a heading, a macro parameter), whitespace collapsed and trimmed:
 * `ac:parameter` values inside it are left out, a `<time>` counts as its date, a `ri:user` as its id or name.
 */
export function describedText(node: StorageNode): string {
  const parts: string[] = [];
  const stack: StorageNode[] = [node];
  while (stack.length > 0) {
    const current = stack.pop();
    if (current === undefined) break;
    if (current.type === 'text') {
      parts.push(current.text);
    } else if (current === node || current.name !== 'ac:parameter') {
      if (current.name === 'time' && current.attrs.datetime) parts.push(current.attrs.datetime);
      // A user named by a macro parameter, by account id or (pages from Server) by user key or user name.
      if (current.name === 'ri:user') {
        const user =
          current.attrs['ri:account-id'] ?? current.attrs['ri:userkey'] ?? current.attrs['ri:username'];
        if (user) parts.push(` ${user} `);
      }
      for (let index = current.children.length - 1; index >= 0; index--) {
        const child = current.children[index];
        if (child !== undefined) stack.push(child);
      }
    }
  }
  return collapseWhitespace(parts.join('')).trim();
}
