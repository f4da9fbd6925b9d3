import { createServer } from 'node:http';

// The per-call baseline (test/bench/fleet.ts): a bare Node proxy of the same upstream GET the server makes for
// confluence_get_page. Each POST, whatever its body, is answered with the upstream page JSON, fetched with the
// same global fetch (undici, keep-alive) and nothing else: no MCP, no caller check, no conversion.
const upstream = process.env.BENCH_UPSTREAM_URL ?? '';
const authorization = process.env.BENCH_UPSTREAM_AUTHORIZATION ?? '';

const server = createServer((request, response) => {
  request.resume();
  request.on('end', async () => {
    try {
      const answer = await fetch(upstream, { headers: { authorization, accept: 'application/json' } });
      const body = await answer.text();
      response.writeHead(answer.status, { 'content-type': 'application/json' }).end(body);
    } catch (error) {
      response.writeHead(502).end(String(error));
    }
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
