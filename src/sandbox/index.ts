export { type Sandbox, type SandboxOptions, sandboxRoutes, startSandbox } from './server.js';
