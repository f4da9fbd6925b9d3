export { apiTokenEnv, sandboxBanner } from './banner.js';
export { type Sandbox, type SandboxOptions, sandboxRoutes, startSandbox } from './server.js';
