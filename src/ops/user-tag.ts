import { createHmac, randomBytes } from 'node:crypto';

/**
 * Names users in logs by a keyed hash under a key of this process alone: for servers without a token store's keys
 * (one static credential), where the same user gets another tag after a restart or on another instance.
 */
export function processUserTag(): (userKey: string) => string {
  const key = randomBytes(32);
  return (userKey) =>
    createHmac('sha256', key).update(`log\u0000${userKey}`).digest('base64url').slice(0, 16);
}
