# confluence-mcp over Streamable HTTP, for a fleet behind a load balancer (see deploy/ and the README's
# "Deploying a fleet behind an MCP gateway").

# Build: the TypeScript compiler and the dev dependencies stay in this stage.
FROM node:22-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
COPY tools ./tools
RUN npm run build --silent && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

# Run: Node 22 slim, production dependencies and the build only, as the unprivileged `node` user.
FROM node:22-slim
# Memory: under steady load V8 keeps ~180 MiB of heap committed around ~40 MiB of live objects (RSS ~250 MiB); with a
# young generation of 4 MiB semi-spaces and an old-space limit it collects sooner and stays near 120 MiB. The bin on
# this Node would restart itself with these flags (src/start/heap.ts); setting them here skips that restart. Raise
# --max-old-space-size (override NODE_OPTIONS) if a deployment serves much larger pages or more users per instance.
ENV NODE_ENV=production \
    NODE_OPTIONS="--max-semi-space-size=4 --max-old-space-size=128" \
    CONFLUENCE_MCP_HOST=0.0.0.0 \
    CONFLUENCE_MCP_PORT=3000
WORKDIR /app
COPY --from=build --chown=root:root /app/package.json ./
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist/bin ./dist/bin
COPY --from=build --chown=root:root /app/dist/src ./dist/src
COPY --from=build --chown=root:root /app/dist/tools ./dist/tools
COPY --chown=root:root mcp.config.json mcp.config.schema.json LICENSE ./
USER node
EXPOSE 3000
# Ready only while the token store answers and the server is not draining; node's fetch, as slim has no curl.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.CONFLUENCE_MCP_PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM drains: calls in flight finish within limits.shutdownGraceMs, then the process exits 0.
STOPSIGNAL SIGTERM
# The package's bin: one bundle, so a container starts as fast as `npx confluence-mcp` does.
ENTRYPOINT ["node", "dist/bin/cli.js"]
CMD ["http"]
