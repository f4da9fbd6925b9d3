import { z } from 'zod';
import { TOOLSETS } from '../../tools/index.js';
import { SUPPORTED_ALGORITHMS } from '../auth/index.js';
import { GRANULAR_SCOPES, OFFLINE_ACCESS } from '../confluence/index.js';

const url = (what: string) =>
  z
    .url({ protocol: /^https?$/, error: `expected an http(s) URL for ${what}` })
    .transform((u) => u.replace(/\/+$/, ''));

const storeUrl = z
  .string()
  .refine((value) => /^(memory:\/\/|rediss?:\/\/|rediss?\+cluster:\/\/|file:\/\/)/.test(value), {
    error:
      'expected memory://, redis://host:port, rediss://host:port, redis+cluster://host:port,..., rediss+cluster://host:port,... or file:///path',
  });

const httpSchema = z
  .strictObject({
    host: z.string().min(1).default('127.0.0.1').describe('Interface to listen on.'),
    port: z.int().min(0).max(65535).default(3000).describe('TCP port; 0 picks a free one.'),
    publicUrl: url('http.publicUrl')
      .optional()
      .describe(
        'The URL clients reach this server at (behind a proxy or gateway); default http://{host}:{port}.',
      ),
    allowedHosts: z
      .array(z.string().min(1))
      .default([])
      .describe(
        'Host header values accepted besides localhost and the public URL host (DNS-rebinding guard).',
      ),
    allowedOrigins: z
      .array(z.string().min(1))
      .default([])
      .describe('Browser Origins allowed to call /mcp; requests with any other Origin get 403.'),
    maxBodyBytes: z
      .int()
      .min(1024)
      .max(50 * 1024 * 1024)
      .default(4 * 1024 * 1024)
      .describe('Largest request body accepted on /mcp, in bytes.'),
  })
  .describe('Streamable HTTP transport.');

const atlassianSchema = z
  .strictObject({
    authBaseUrl: url('atlassian.authBaseUrl')
      .default('https://auth.atlassian.com')
      .describe("Atlassian's OAuth server (authorize and token endpoints)."),
    apiBaseUrl: url('atlassian.apiBaseUrl')
      .default('https://api.atlassian.com')
      .describe('The API gateway OAuth tokens are used through.'),
    clientId: z
      .string()
      .min(1)
      .optional()
      .describe('OAuth 2.0 (3LO) client id; the secret comes from ATLASSIAN_CLIENT_SECRET.'),
    callbackPath: z
      .string()
      .regex(/^\/[A-Za-z0-9/_-]*$/, { error: 'expected a path such as /integration-callback' })
      .default('/integration-callback')
      .describe('Path of the OAuth redirect URI on this server.'),
    scopes: z
      .array(z.string().min(1))
      .min(1)
      .default([...GRANULAR_SCOPES, OFFLINE_ACCESS])
      .describe('Scopes requested at consent.'),
  })
  .describe('Atlassian Cloud endpoints and the OAuth app.');

const callerAuthSchema = z
  .strictObject({
    issuer: url('callerAuth.issuer')
      .optional()
      .describe(
        'Issuer of the bearer tokens callers present on /mcp; required for per-user OAuth over HTTP.',
      ),
    jwksUrl: url('callerAuth.jwksUrl')
      .optional()
      .describe("The issuer's JWKS; or put one public key in CONFLUENCE_MCP_CALLER_PUBLIC_KEY."),
    audience: z
      .string()
      .min(1)
      .optional()
      .describe("The `aud` callers' tokens must carry: this server's resource URL, default {publicUrl}/mcp."),
    algorithms: z
      .array(z.enum(SUPPORTED_ALGORITHMS))
      .min(1)
      .default(['RS256', 'PS256', 'ES256', 'EdDSA'])
      .describe('Signature algorithms accepted (asymmetric only).'),
    clockToleranceSeconds: z.int().min(0).max(300).default(30).describe('Leeway for exp and nbf.'),
    tokenCacheSize: z
      .int()
      .min(0)
      .max(1_000_000)
      .default(10_000)
      .describe(
        'Verified tokens remembered (by hash, never past their exp) so a caller is not re-verified on every request; 0 turns it off.',
      ),
  })
  .describe('Verifying who calls /mcp (an OAuth 2.1 resource server).');

const connectSchema = z
  .strictObject({
    linkTtlSeconds: z.int().min(60).max(3600).default(600).describe('How long a connect link works.'),
    maxPendingLinks: z
      .int()
      .min(1)
      .max(10_000_000)
      .default(10_000)
      .describe(
        'Most connect links made across the fleet per link lifetime (each user has at most one at a time); past it users are asked to try again later.',
      ),
    refreshSkewSeconds: z
      .int()
      .min(0)
      .max(600)
      .default(60)
      .describe(
        'Renew an access token this long before it expires (the gateway may not answer 401 for expired ones).',
      ),
    loopbackPort: z
      .int()
      .min(1024)
      .max(65535)
      .default(8765)
      .describe(
        'Port of the local callback server for stdio logins (register http://127.0.0.1:PORT{callbackPath}).',
      ),
    browserLogin: z
      .strictObject({
        issuer: url('connect.browserLogin.issuer').describe(
          'OpenID Connect issuer people sign in at; must equal callerAuth.issuer so subjects compare.',
        ),
        clientId: z
          .string()
          .min(1)
          .describe(
            'OAuth client id registered at the issuer with redirect URI {publicUrl}/connect/login-callback (public client with PKCE; a secret, if any, comes from CONFLUENCE_MCP_BROWSER_LOGIN_CLIENT_SECRET).',
          ),
        authorizationEndpoint: url('connect.browserLogin.authorizationEndpoint')
          .optional()
          .describe('Default: from {issuer}/.well-known/openid-configuration.'),
        tokenEndpoint: url('connect.browserLogin.tokenEndpoint')
          .optional()
          .describe('Default: from {issuer}/.well-known/openid-configuration.'),
        jwksUrl: url('connect.browserLogin.jwksUrl')
          .optional()
          .describe('Keys that sign ID tokens; default: jwks_uri from discovery.'),
        scopes: z
          .array(z.string().min(1))
          .min(1)
          .default(['openid'])
          .describe('Scopes requested at sign-in.'),
      })
      .optional()
      .describe(
        "Make whoever opens a connect link sign in at the callers' identity provider, and connect only if they are the user the link was made for (HTTP only). Without it, a confirmation page names that user.",
      ),
  })
  .describe('Connecting users to Atlassian.');

const limitsSchema = z
  .strictObject({
    requestTimeoutMs: z
      .int()
      .min(100)
      .max(120_000)
      .default(10_000)
      .describe('Timeout of one Confluence request.'),
    callDeadlineMs: z
      .int()
      .min(500)
      .max(600_000)
      .default(4500)
      .describe(
        "The time one tool call has, retries included: past it the call answers with what it has or a timeout, and its requests are aborted. Below a gateway's budget (often 5 s).",
      ),
    maxRetries: z
      .int()
      .min(0)
      .max(4)
      .default(4)
      .describe(
        'Retries of a read (or a versioned page update) after 429, 503 or a dropped connection, within the call deadline; 0 turns them off.',
      ),
    maxResultChars: z
      .int()
      .min(1000)
      .max(5_000_000)
      .default(60_000)
      .describe('Largest text a tool returns in one result (page bodies are cut with a continuation note).'),
    defaultPageSize: z
      .int()
      .min(1)
      .max(250)
      .default(25)
      .describe('Items per list page when the caller gives no limit.'),
    maxPageSize: z.int().min(1).max(250).default(100).describe('Largest limit a caller may ask for.'),
    shutdownGraceMs: z
      .int()
      .min(0)
      .max(600_000)
      .default(20_000)
      .describe(
        'On SIGTERM or SIGINT (HTTP), how long calls in flight may take to finish before the server exits anyway.',
      ),
    maxConcurrentCalls: z
      .int()
      .min(1)
      .max(10_000)
      .default(64)
      .describe(
        'Tool calls running at once across all users; more wait in a fair queue that serves users in turn.',
      ),
    maxConcurrentCallsPerUser: z
      .int()
      .min(1)
      .max(1000)
      .default(4)
      .describe("Tool calls one user may have running at once; the user's further calls wait their turn."),
    maxQueuedCallsPerUser: z
      .int()
      .min(0)
      .max(10_000)
      .default(64)
      .describe(
        'Tool calls one user may have waiting; beyond this a call is refused at once with a clear error.',
      ),
    maxBatchMessages: z
      .int()
      .min(1)
      .max(1000)
      .default(20)
      .describe('Messages one JSON-RPC batch may hold (HTTP); a larger batch is refused whole.'),
    maxBatchCalls: z
      .int()
      .min(1)
      .max(1000)
      .default(4)
      .describe('Tool calls one JSON-RPC batch may hold (HTTP); a batch with more is refused whole.'),
    maxInFlightRequestBytes: z
      .int()
      .min(1024)
      .max(4 * 1024 * 1024 * 1024)
      .default(64 * 1024 * 1024)
      .describe(
        'Request bodies held at once across /mcp, in bytes (each counts its Content-Length, or http.maxBodyBytes without one); past it requests get 503 with Retry-After. One request is always let in.',
      ),
    conversion: z
      .strictObject({
        inlineMarkdownBelowChars: z
          .int()
          .min(0)
          .max(10_000_000)
          .default(1000)
          .describe(
            'Markdown from the model shorter than this converts on the event loop; longer in a worker thread. Keep it small: hostile Markdown (unclosed brackets) costs about 10 ms per thousand characters.',
          ),
        inlineStorageBelowChars: z
          .int()
          .min(0)
          .max(10_000_000)
          .default(16_000)
          .describe(
            'Page bodies (storage format) shorter than this convert to Markdown on the event loop, where they take about a millisecond, less than a worker round trip; longer ones in a worker thread.',
          ),
        workers: z.int().min(1).max(64).default(2).describe('Worker threads for large conversions.'),
        jobTimeoutMs: z
          .int()
          .min(100)
          .max(120_000)
          .default(3000)
          .describe(
            'Longest one conversion may run in its worker; past it the worker is ended and replaced.',
          ),
        jobMemoryMb: z
          .int()
          .min(32)
          .max(8192)
          .default(512)
          .describe('Heap of one conversion worker, in MB; a conversion that needs more is stopped.'),
        maxQueue: z
          .int()
          .min(0)
          .max(10_000)
          .default(32)
          .describe('Large conversions waiting for a worker at most; more are refused at once.'),
      })
      .prefault({})
      .describe('Storage format <-> Markdown conversions: large ones run in worker threads with a budget.'),
  })
  .describe('Bounds on requests and results.');

/** The whole configuration file, with every default. Secrets are deliberately absent: they come from the environment. */
export const configSchema = z
  .strictObject({
    $schema: z.string().optional(),
    transport: z.enum(['stdio', 'http']).default('stdio').describe('Transport when no command is given.'),
    http: httpSchema.prefault({}),
    atlassian: atlassianSchema.prefault({}),
    callerAuth: callerAuthSchema.prefault({}),
    connect: connectSchema.prefault({}),
    tokenStore: z
      .strictObject({
        url: storeUrl
          .default('memory://')
          .describe(
            'Where per-user tokens live: memory://, redis://, rediss://, redis+cluster://, rediss+cluster://, file:///path.',
          ),
        namespace: z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,32}$/)
          .default('cmcp')
          .describe('Prefix of every stored key, so deployments can share a Redis.'),
      })
      .prefault({}),
    tools: z
      .strictObject({
        toolsets: z
          .array(z.enum(TOOLSETS))
          .min(1)
          .default([...TOOLSETS])
          .describe('Toolsets offered to clients.'),
        readOnly: z.boolean().default(false).describe('Offer and allow only tools that change nothing.'),
        dynamic: z
          .boolean()
          .default(false)
          .describe(
            'List only confluence_list_toolsets and confluence_enable_toolset at first; the model enables the toolsets it needs (less context per conversation).',
          ),
        spaces: z
          .strictObject({
            allow: z
              .array(z.string().min(1).max(255))
              .default([])
              .describe('Space keys tools may touch; empty means every space (minus deny).'),
            deny: z
              .array(z.string().min(1).max(255))
              .default([])
              .describe(
                'Space keys tools never touch: hidden from reads, writes and search, as if they did not exist.',
              ),
          })
          .prefault({})
          .describe('Which spaces tools may reach, whatever the user may see.'),
        allowPurge: z
          .boolean()
          .default(false)
          .describe(
            'Let confluence_delete_page purge pages from the trash for good (off: deletes only trash them).',
          ),
      })
      .prefault({}),
    limits: limitsSchema.prefault({}),
    log: z
      .strictObject({
        level: z
          .enum(['debug', 'info', 'warn', 'error', 'silent'])
          .default('info')
          .describe('Lowest level logged to stderr.'),
      })
      .prefault({}),
  })
  .superRefine((config, ctx) => {
    if (config.limits.defaultPageSize > config.limits.maxPageSize) {
      ctx.addIssue({
        code: 'custom',
        path: ['limits', 'defaultPageSize'],
        message: `must not exceed limits.maxPageSize (${config.limits.maxPageSize})`,
      });
    }
  });

/** The configuration the server runs with. */
export type Config = z.output<typeof configSchema>;

/** The JSON Schema of mcp.config.json, for editors. */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema, { io: 'input', target: 'draft-2020-12' }),
    title: 'confluence-mcp configuration',
  };
}
