import type { Sandbox } from '../../src/sandbox/index.js';
import { Browser, connectLinkIn, connectThroughSandbox } from './browser.js';
import { textOf } from './mcp.js';
import { mcpClient } from './oauth-server.js';

/** A caller's bearer token for this MCP endpoint, from the sandbox's identity provider. */
export function callerToken(sandbox: Sandbox, mcpUrl: string, subject: string): Promise<string> {
  return sandbox.mintCallerToken({ subject, audience: mcpUrl, name: subject });
}

/**
 * A real MCP client for `subject`, connected through the sandbox's consent page as Atlassian account `accountId`:
 * its first call is answered with a connect link, which a browser follows.
 */
export async function connectedUser(sandbox: Sandbox, mcpUrl: string, subject: string, accountId: string) {
  const token = await callerToken(sandbox, mcpUrl, subject);
  const session = await mcpClient(mcpUrl, token);
  const first = await session.call('confluence_get_connection');
  if (!(first.structuredContent as { connected?: boolean } | undefined)?.connected) {
    const outcome = await connectThroughSandbox(new Browser(), connectLinkIn(textOf(first)), accountId);
    if (outcome.status !== 200) throw new Error(`connecting ${subject} failed: ${outcome.text}`);
  }
  return { ...session, token };
}

/** A page made directly in the sandbox (current, in space `key`), for tests that need a body of a given size. */
export function sandboxPage(sandbox: Sandbox, key: string, title: string, body: string, authorId: string) {
  const space = sandbox.site.spaceByKey(key);
  if (!space) throw new Error(`no space ${key}`);
  return sandbox.site.createPage({ space, title, body, parentId: undefined, status: 'current', authorId });
}
