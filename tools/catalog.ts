import { OFFLINE_ACCESS } from '../src/confluence/index.js';
import { disconnectTool, getConnectionTool } from './account.js';
import type { AnyToolDefinition, Toolset } from './define.js';
import { addLabelsTool, findPagesByLabelTool, getLabelsTool, removeLabelTool } from './labels.js';
import { updatePageSectionTool } from './page-section.js';
import { getPageAncestorsTool, getPageChildrenTool, getPageDescendantsTool } from './page-tree.js';
import { getPageVersionsTool } from './page-versions.js';
import { createPageTool, deletePageTool, movePageTool, updatePageTool } from './page-write.js';
import { getPageTool, listPagesTool } from './pages.js';
import {
  getCurrentUserTool,
  getGroupMembersTool,
  getUsersTool,
  listGroupsTool,
  searchUsersTool,
} from './people.js';
import { searchTool } from './search.js';
import { getSiteInfoTool } from './site.js';
import { createSpaceTool, getSpaceTool, listSpacesTool } from './spaces.js';

/** Every tool this server has, in the order clients see them. */
export const ALL_TOOLS: readonly AnyToolDefinition[] = [
  searchTool,
  getPageTool,
  listPagesTool,
  getPageChildrenTool,
  getPageDescendantsTool,
  getPageAncestorsTool,
  getPageVersionsTool,
  createPageTool,
  updatePageTool,
  updatePageSectionTool,
  movePageTool,
  deletePageTool,
  listSpacesTool,
  getSpaceTool,
  createSpaceTool,
  getLabelsTool,
  findPagesByLabelTool,
  addLabelsTool,
  removeLabelTool,
  getCurrentUserTool,
  getUsersTool,
  searchUsersTool,
  listGroupsTool,
  getGroupMembersTool,
  getSiteInfoTool,
  getConnectionTool,
  disconnectTool,
];

/** The operator's choice of tools: which toolsets, and whether only read-only tools. */
export interface ToolSelection {
  toolsets: readonly Toolset[];
  readOnly: boolean;
}

/** The tools a selection offers. Read-only mode keeps exactly the tools annotated `readOnlyHint: true`. */
export function selectTools(
  tools: readonly AnyToolDefinition[],
  selection: ToolSelection,
): AnyToolDefinition[] {
  return tools.filter(
    (tool) =>
      selection.toolsets.includes(tool.toolset) && (!selection.readOnly || tool.annotations.readOnlyHint),
  );
}

/**
 * The OAuth scopes to ask Atlassian for: the configured ones, narrowed in read-only mode to those the offered tools
 * declare (plus offline_access, for refresh tokens), so a read-only server never holds a token that can write.
 */
export function requestedScopes(
  configured: readonly string[],
  tools: readonly AnyToolDefinition[],
  readOnly: boolean,
): string[] {
  if (!readOnly) return [...configured];
  const needed = new Set<string>([OFFLINE_ACCESS, ...tools.flatMap((tool) => tool.scopes)]);
  return configured.filter((scope) => needed.has(scope));
}
