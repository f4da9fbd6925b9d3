import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../../../src/auth/store/index.js';
import { parseClusterUrl, redisFailureReason } from '../../../../src/auth/store/redis-connection.js';

/** An error of a class with node-redis's name: the reason is chosen by constructor name, as node-redis names none. */
const redisError = (className: string, message: string): Error => {
  const classes: Record<string, new (message: string) => Error> = { [className]: class extends Error {} };
  return new (classes[className] as new (message: string) => Error)(message);
};

describe('the reason given for a Redis failure', () => {
  it.each([
    ['ClientClosedError', 'The client is closed', 'the Redis client is closed'],
    ['ConnectionTimeoutError', 'Connection timeout', 'connecting to Redis timed out'],
    ['SocketClosedUnexpectedlyError', 'Socket closed unexpectedly', 'the Redis connection closed'],
    [
      'SocketTimeoutError',
      "Socket timeout timeout. Expecting data, but didn't receive any in 5000ms.",
      'the Redis connection went silent',
    ],
    ['RootNodesUnavailableError', 'All the root nodes are unavailable', 'no Redis cluster node reachable'],
    ['TimeoutError', 'Timeout', 'Redis did not answer in time'],
    ['ErrorReply', 'NOAUTH Authentication required.', 'Redis replied NOAUTH'],
    ['BlobError', "READONLY You can't write against a read only replica.", 'Redis replied READONLY'],
    ['ErrorReply', 'CROSSSLOT Keys in request do not hash to the same slot', 'Redis replied CROSSSLOT'],
  ])('names a %s by what happened: %j', (className, message, reason) => {
    expect(redisFailureReason(redisError(className, message))).toBe(reason);
  });

  it('quotes only the code word at the start of a reply, never the rest', () => {
    // Nothing after the code word: a reply can echo a key name, and key names hold user hashes.
    expect(redisFailureReason(redisError('ErrorReply', 'ERR unknown command for key conn:abc'))).toBe(
      'Redis replied ERR',
    );
    expect(redisFailureReason(redisError('ErrorReply', 'wrong type for conn:abc; WRONGTYPE'))).toBe(
      'Redis replied with an error',
    );
    expect(redisFailureReason(redisError('SimpleError', ''))).toBe('Redis replied with an error');
  });

  it('passes on a socket error code only when it is nothing but a code', () => {
    const withCode = (code: unknown) => Object.assign(new Error('connect failed to 10.0.0.7:6379'), { code });
    expect(redisFailureReason(withCode('ECONNRESET'))).toBe('ECONNRESET');
    expect(redisFailureReason(withCode('ERR_SOCKET_CLOSED'))).toBe('ERR_SOCKET_CLOSED');
    for (const code of ['host 10.0.0.7 ECONNRESET', 'ECONNRESET at 10.0.0.7', 'econnreset', 42]) {
      expect(redisFailureReason(withCode(code)), String(code)).toBe('unexpected Redis failure');
    }
  });

  it('says a command found no connection, and names any other error class but the plain one', () => {
    expect(redisFailureReason(new Error('Redis client is not connected'))).toBe('not connected to Redis');
    expect(redisFailureReason(new Error('Redis client is not connected (reconnecting)'))).toBe(
      'not connected to Redis',
    );
    expect(redisFailureReason(new TypeError('Cannot read properties of undefined'))).toBe('TypeError');
  });
});

describe('a Redis Cluster URL', () => {
  it('gives a username only when one is written, and a password only after a colon', () => {
    expect(parseClusterUrl('redis+cluster://:secret@h1:7000')).toEqual({
      tls: false,
      password: 'secret',
      nodes: [{ host: 'h1', port: 7000 }],
    });
    expect(parseClusterUrl('redis+cluster://app@h1:7000')).toEqual({
      tls: false,
      username: 'app',
      nodes: [{ host: 'h1', port: 7000 }],
    });
  });

  it('takes nodes with spaces around them', () => {
    expect(parseClusterUrl('redis+cluster://h1:7000, h2:7001 ,h3').nodes).toEqual([
      { host: 'h1', port: 7000 },
      { host: 'h2', port: 7001 },
      { host: 'h3', port: 6379 },
    ]);
  });

  it.each([
    'xredis+cluster://h1:7000',
    'redis+cluster://h1:7000x',
    'redis+cluster://h1:7000,h2:port',
    'redis+cluster://h1:7000/0/extra',
    'redis+cluster://h1:1234567',
  ])('refuses %s', (url) => {
    expect(() => parseClusterUrl(url)).toThrow(TypeError);
  });

  it('keeps a reason that is already one', () => {
    expect(redisFailureReason(new StoreUnavailableError('mapped before'))).toBe('mapped before');
  });
});
