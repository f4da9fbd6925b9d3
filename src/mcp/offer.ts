import { ALL_TOOLS, type AnyToolDefinition, selectTools } from '../../tools/index.js';
import type { Config } from '../config/index.js';
import { OFFLINE_ACCESS } from '../confluence/index.js';

/** The tools a configuration offers, computed once and shared by every server instance. */
export function configuredTools(config: Config): AnyToolDefinition[] {
  return selectTools(ALL_TOOLS, config.tools);
}

/**
 * The OAuth scopes to ask Atlassian for: the configured ones, narrowed in read-only mode to those the offered tools
 * declare (plus offline_access, for refresh tokens), so a read-only server never holds a token that can write.
 */
export function requestedScopes(config: Config, tools: readonly AnyToolDefinition[]): string[] {
  if (!config.tools.readOnly) return [...config.atlassian.scopes];
  const needed = new Set<string>([OFFLINE_ACCESS, ...tools.flatMap((tool) => tool.scopes)]);
  return config.atlassian.scopes.filter((scope) => needed.has(scope));
}
