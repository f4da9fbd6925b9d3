import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Pages served beside MCP, for people in a browser: the flow that connects an Atlassian account (ConnectFlow is the
 * real one). The transports route to it and leave everything else to it, failures included.
 */
export interface ConnectPages {
  /** Whether the pages serve this path. */
  handles(path: string): boolean;
  /** Whether a POST to the path is one of the pages' forms, which check their own CSRF token and cookie. */
  isFormTarget(path: string): boolean;
  /** Answers a request for one of the paths, always with a page a person can read. */
  handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void>;
}
