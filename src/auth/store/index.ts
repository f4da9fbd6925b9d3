export type { CorruptReason } from './cipher.js';
export { EncryptionKeyError } from './encryption-key-error.js';
export { EncryptionKeyring, generateEncryptionKey, parseEncryptionKeys } from './keys.js';
export { LockTimeoutError } from './lock-timeout-error.js';
export { openSecretStore } from './open.js';
export { DEFAULT_NAMESPACE } from './secret-store.js';
export { StoreUnavailableError } from './store-unavailable-error.js';
export type { CorruptValueEvent, SecretStore, SecretStoreOptions } from './types.js';
export { userKeyHash } from './user-key.js';
