import { BLOCK_ELEMENTS } from '../elements.js';
import type { StorageNode } from '../parse.js';
import { isBlockMacro } from './macros.js';

/** True for nodes that form a block of their own rather than flowing inside a paragraph. */
export function isBlockNode(node: StorageNode): boolean {
  if (node.type === 'text') return false;
  if (node.name === 'ac:structured-macro' || node.name === 'ac:macro') return isBlockMacro(node);
  return BLOCK_ELEMENTS.has(node.name);
}
