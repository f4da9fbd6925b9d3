export { cachingVerifier, type VerifiedTokenCacheOptions } from './cache.js';
export { callerFromToken } from './caller.js';
export { type BearerChallenge, wwwAuthenticate } from './challenge.js';
export {
  type BearerErrorCode,
  CallerKeysUnavailableError,
  InsufficientCallerScopeError,
  InvalidCallerTokenError,
} from './errors.js';
export {
  type ProtectedResourceMetadata,
  protectedResourceMetadata,
  resourceMetadataPaths,
} from './metadata.js';
export { type CallerAuthOptions, SUPPORTED_ALGORITHMS } from './options.js';
export {
  type CallerVerifier,
  createCallerVerifier,
  MAX_CALLER_TOKEN_LENGTH,
  type VerifiedCaller,
} from './verify.js';
