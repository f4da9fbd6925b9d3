/** The MCP edge: the server factory, the tool registry, the request context and the errors the model reads. */
export { CapabilityMemory, type CapabilityStore } from './capabilities.js';
export { type AuthInfo, authInfoFor, callerOf, type VerifiedToken } from './context.js';
export { DynamicToolsets } from './dynamic.js';
export { describeExpectedError, type ToolErrorResult, toolErrorResult } from './errors.js';
export { FairQueue, type FairQueueLimits, TooManyCallsError } from './fairness.js';
export {
  isInitialize,
  type JSONRPCMessage,
  jsonRpcMessages,
  type MessageExtraInfo,
  type RequestId,
  type Transport,
} from './json-rpc.js';
export type { CallObserver, CallObserving } from './observe.js';
export { publishedTools } from './published.js';
export { bounded, requiredScopes, type ToolRuntime } from './registry.js';
export { createServer, PROTOCOL_VERSIONS, type ServerFactory, type ServerOptions } from './server.js';
