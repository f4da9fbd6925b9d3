/**
 * Environment variables that override mcp.config.json, one row each: the variable, the config field it sets and
 * how its text becomes a value. Secrets are not here: they never enter the configuration object.
 */
export interface EnvOverride {
  variable: string;
  path: readonly string[];
  parse: (text: string) => unknown;
  /** Its value may hold a credential (a Redis URL with a password), so messages never repeat it. */
  secretBearing?: boolean;
}

const text = (value: string) => value;
const list = (value: string) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
const integer = (value: string) => (/^\s*-?\d+\s*$/.test(value) ? Number(value) : value);
const boolean = (value: string) => {
  const v = value.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off', ''].includes(v)) return false;
  return value;
};

export const ENV_OVERRIDES: readonly EnvOverride[] = [
  { variable: 'CONFLUENCE_MCP_TRANSPORT', path: ['transport'], parse: text },
  { variable: 'CONFLUENCE_MCP_HOST', path: ['http', 'host'], parse: text },
  { variable: 'CONFLUENCE_MCP_PORT', path: ['http', 'port'], parse: integer },
  { variable: 'CONFLUENCE_MCP_PUBLIC_URL', path: ['http', 'publicUrl'], parse: text },
  { variable: 'CONFLUENCE_MCP_ALLOWED_HOSTS', path: ['http', 'allowedHosts'], parse: list },
  { variable: 'CONFLUENCE_MCP_ALLOWED_ORIGINS', path: ['http', 'allowedOrigins'], parse: list },
  { variable: 'CONFLUENCE_MCP_MAX_BODY_BYTES', path: ['http', 'maxBodyBytes'], parse: integer },
  { variable: 'ATLASSIAN_AUTH_BASE_URL', path: ['atlassian', 'authBaseUrl'], parse: text },
  { variable: 'CONFLUENCE_API_BASE_URL', path: ['atlassian', 'apiBaseUrl'], parse: text },
  { variable: 'ATLASSIAN_CLIENT_ID', path: ['atlassian', 'clientId'], parse: text },
  {
    variable: 'ATLASSIAN_SCOPES',
    path: ['atlassian', 'scopes'],
    parse: (v) => v.split(/[\s,]+/).filter(Boolean),
  },
  {
    variable: 'CONFLUENCE_MCP_TOKEN_STORE_URL',
    path: ['tokenStore', 'url'],
    parse: text,
    secretBearing: true,
  },
  { variable: 'CONFLUENCE_MCP_CALLER_ISSUER', path: ['callerAuth', 'issuer'], parse: text },
  { variable: 'CONFLUENCE_MCP_CALLER_JWKS_URL', path: ['callerAuth', 'jwksUrl'], parse: text },
  { variable: 'CONFLUENCE_MCP_CALLER_AUDIENCE', path: ['callerAuth', 'audience'], parse: text },
  { variable: 'CONFLUENCE_MCP_CALLER_ALGORITHMS', path: ['callerAuth', 'algorithms'], parse: list },
  { variable: 'CONFLUENCE_MCP_LOOPBACK_PORT', path: ['connect', 'loopbackPort'], parse: integer },
  {
    variable: 'CONFLUENCE_MCP_BROWSER_LOGIN_ISSUER',
    path: ['connect', 'browserLogin', 'issuer'],
    parse: text,
  },
  {
    variable: 'CONFLUENCE_MCP_BROWSER_LOGIN_CLIENT_ID',
    path: ['connect', 'browserLogin', 'clientId'],
    parse: text,
  },
  { variable: 'CONFLUENCE_MCP_TOOLSETS', path: ['tools', 'toolsets'], parse: list },
  { variable: 'CONFLUENCE_MCP_READ_ONLY', path: ['tools', 'readOnly'], parse: boolean },
  { variable: 'CONFLUENCE_MCP_SPACES_ALLOW', path: ['tools', 'spaces', 'allow'], parse: list },
  { variable: 'CONFLUENCE_MCP_SPACES_DENY', path: ['tools', 'spaces', 'deny'], parse: list },
  { variable: 'CONFLUENCE_MCP_ALLOW_PURGE', path: ['tools', 'allowPurge'], parse: boolean },
  { variable: 'CONFLUENCE_MCP_REQUEST_TIMEOUT_MS', path: ['limits', 'requestTimeoutMs'], parse: integer },
  { variable: 'CONFLUENCE_MCP_CALL_DEADLINE_MS', path: ['limits', 'callDeadlineMs'], parse: integer },
  { variable: 'CONFLUENCE_MCP_MAX_RESULT_CHARS', path: ['limits', 'maxResultChars'], parse: integer },
  { variable: 'CONFLUENCE_MCP_LOG_LEVEL', path: ['log', 'level'], parse: text },
];

/**
 * Keys that look like secrets, anywhere in the file, and the variable that should hold them instead. A secret in a
 * config file ends up in version control; refusing it is kinder than ignoring it.
 */
export const SECRET_KEYS: readonly { key: RegExp; variable: string }[] = [
  { key: /^client_?secret$/i, variable: 'ATLASSIAN_CLIENT_SECRET' },
  { key: /^api_?token$/i, variable: 'ATLASSIAN_API_TOKEN' },
  { key: /^access_?token$/i, variable: 'ATLASSIAN_ACCESS_TOKEN' },
  { key: /^refresh_?token$/i, variable: '(none: refresh tokens live in the token store)' },
  { key: /^(encryption_?keys?|token_?key)$/i, variable: 'CONFLUENCE_MCP_ENCRYPTION_KEYS' },
  { key: /^(password|secret)$/i, variable: 'an environment variable' },
  { key: /^(public_?key|private_?key)$/i, variable: 'CONFLUENCE_MCP_CALLER_PUBLIC_KEY' },
];
