import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log.js';
import type { ConnectPages } from './connect-pages.js';
import { checkOrigin, originPolicy } from './http-guard.js';

/**
 * A small HTTP server on 127.0.0.1 that serves only the connect pages and the OAuth callback, for the stdio user
 * (whose MCP traffic has no HTTP server of its own). Resolves to undefined when the port is taken, which is fine
 * when another local instance serves it: they share the on-disk store.
 */
export async function startLoopbackConnectServer(
  flow: ConnectPages,
  port: number,
  log: Logger,
  options: { required?: boolean } = {},
): Promise<{ address: string; port: number; close(): Promise<void> } | undefined> {
  const policy = originPolicy({
    host: '127.0.0.1',
    publicUrl: `http://127.0.0.1:${port}`,
    allowedHosts: [],
    allowedOrigins: [],
  });
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] as string;
    // The connect form's POST checks its own CSRF token and cookie, so an opaque Origin is its to judge.
    const opaqueOriginAllowed = req.method === 'POST' && flow.isFormTarget(path);
    const refused = checkOrigin(req, policy, { opaqueOriginAllowed });
    if (refused) return void res.writeHead(refused.status).end(refused.reason);
    if (!flow.handles(path)) return void res.writeHead(404).end('Not found');
    // The flow answers its own failures with a page; this only catches what escapes it.
    flow.handle(req, res, path).catch((error: unknown) => {
      log.error('connect page failed', { error });
      if (!res.headersSent) res.writeHead(500).end('Internal error');
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE' && !options.required) {
      log.info('connect callback port in use; another local instance serves it', { port });
      return undefined;
    }
    throw error;
  }
  return {
    address: (server.address() as AddressInfo).address,
    port: (server.address() as AddressInfo).port,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
