/** The tools as data, and what the MCP edge needs to offer and run them. */
export { ALL_TOOLS, requestedScopes, selectTools, type ToolSelection } from './catalog.js';
export {
  type AccountOps,
  type AnyToolDefinition,
  type ConnectionDescription,
  defineTool,
  TOOLSETS,
  type ToolAnnotations,
  type ToolContext,
  type ToolDefinition,
  ToolInputError,
  type ToolLimits,
  type ToolPolicy,
  ToolRefusal,
  type ToolResult,
  type Toolset,
} from './define.js';
export { idInput } from './shared.js';
export { OutOfBoundsError, type SpaceBounds, SpaceGuard } from './space-guard.js';
