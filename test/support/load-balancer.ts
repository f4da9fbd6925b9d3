import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A round-robin HTTP load balancer in front of instances, as nginx is in deploy/nginx.conf. */
export interface LoadBalancer {
  /** Where clients reach it: the fleet's public URL. */
  readonly url: string;
  /** The instances it sends requests to, in turn. */
  backends: string[];
  /** How many requests each backend was sent. */
  readonly sent: Map<string, number>;
  close(): Promise<void>;
}

/**
 * Starts a load balancer on a port the OS chooses: each request goes to the next backend in turn, with its Host
 * header kept (the instances check it against their public URL) and `x-forwarded-for` added; answers stream back
 * as they come (server-sent events). A backend that cannot be reached is answered with 502.
 */
export async function startLoadBalancer(backends: string[] = []): Promise<LoadBalancer> {
  let next = 0;
  const sent = new Map<string, number>();
  const balancer: { backends: string[] } = { backends };
  const server: Server = createServer((req, res) => {
    const targets = balancer.backends;
    if (!targets.length) return void res.writeHead(503).end('no backends');
    const target = targets[next++ % targets.length] as string;
    sent.set(target, (sent.get(target) ?? 0) + 1);
    const url = new URL(req.url ?? '/', target);
    const upstream = request(
      url,
      {
        method: req.method,
        headers: { ...req.headers, 'x-forwarded-for': req.socket.remoteAddress ?? '' },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end('bad gateway');
      else res.destroy();
    });
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get backends() {
      return balancer.backends;
    },
    set backends(list: string[]) {
      balancer.backends = list;
    },
    sent,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
