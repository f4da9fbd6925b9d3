/** The server's configuration: `mcp.config.json` and the environment, validated, and the one credential it may name. */
export { credentialFromEnv } from './credentials.js';
export { ConfigError, loadConfig } from './load.js';
export { type Config, configJsonSchema, configSchema } from './schema.js';
