/** The encryption key list is malformed; the message names the entry and the problem, never the key material. */
export class EncryptionKeyError extends Error {
  override readonly name = 'EncryptionKeyError';
}
