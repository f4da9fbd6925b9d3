import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient, type RedisClientType } from '@keyv/redis';
import { describe, it } from 'vitest';

/** The Redis the integration tests use: REDIS_URL, or the local default. */
export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The URL without its password, for test names and messages. */
export const redisUrlForDisplay = redisUrl.replace(/\/\/([^@/]*):[^@/]*@/, '//$1:***@');

type RawClient = RedisClientType;

/** A plain node-redis client for inspecting what a store wrote; it does not reconnect. */
export async function openRawRedis(url = redisUrl, timeoutMs = 1000): Promise<RawClient> {
  const client = createClient({ url, socket: { connectTimeout: timeoutMs, reconnectStrategy: false } });
  client.on('error', () => {});
  await client.connect();
  return client;
}

async function ping(url: string, timeoutMs: number): Promise<boolean> {
  let client: RawClient | undefined;
  const attempt = (async () => {
    client = await openRawRedis(url, timeoutMs);
    return (await client.ping()) === 'PONG';
  })().catch(() => false);
  const answered = await Promise.race([attempt, sleep(timeoutMs * 2, false)]);
  const opened = client as RawClient | undefined;
  if (opened?.isOpen) opened.destroy();
  return answered;
}

/** Whether Redis answered a PING at redisUrl when this module loaded. */
export const redisAvailable: boolean = await ping(redisUrl, 500);

/**
 * describe() for suites that need Redis: runs them when Redis answers; otherwise fails in CI (CI=true) and skips
 * elsewhere, under a name that says why.
 */
export function describeWithRedis(name: string, fn: () => void): void {
  if (redisAvailable) {
    describe(name, fn);
  } else if (process.env.CI === 'true') {
    describe(name, () => {
      it('has the Redis it needs', () => {
        throw new Error(`Redis is required in CI at ${redisUrlForDisplay}`);
      });
    });
  } else {
    // Said out loud, not only in the verbose reporter: a skipped suite must never pass for a green one.
    process.stderr.write(
      `Skipping "${name}": no Redis at ${redisUrlForDisplay} (CI=true makes this a failure).\n`,
    );
    describe.skip(`${name} (skipped: no Redis at ${redisUrlForDisplay})`, fn);
  }
}

/** A namespace no other test file or run uses, so parallel files never see each other's keys. */
export function uniqueNamespace(label: string): string {
  return `test-${label}-${randomBytes(4).toString('hex')}`;
}

/** Every key under `namespace` (SCAN, not KEYS). */
export async function scanKeys(client: RawClient, namespace: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const batch of client.scanIterator({ MATCH: `${namespace}:*`, COUNT: 500 })) keys.push(...batch);
  return keys;
}

/** Deletes every key under `namespace` at `url`; for afterAll. */
export async function deleteNamespace(namespace: string, url = redisUrl): Promise<void> {
  if (!redisAvailable && url === redisUrl) return;
  const client = await openRawRedis(url);
  try {
    const keys = await scanKeys(client, namespace);
    if (keys.length > 0) await client.del(keys);
  } finally {
    client.destroy();
  }
}

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A redis-server child process of the test, on its own port and data directory. */
export interface RedisServerProcess {
  readonly port: number;
  /** redis://[:password@]127.0.0.1:port */
  readonly url: string;
  /** Starts it (again, on the same port and directory) and waits until it answers. */
  start(): Promise<void>;
  /** SIGKILL, as a crash: with appendfsync always, every acknowledged write is on disk. */
  kill(): Promise<void>;
  /** SIGSTOP: connections stay open but nothing answers, like a hung server or a dropped network. */
  pause(): void;
  /** SIGCONT after pause(). */
  resume(): void;
}

/**
 * Spawns `redis-server` on `port` with its data in `dir` (append-only, fsync on every write), optionally with a
 * password and extra args (`--cluster-enabled yes`...). Callers kill() it in afterAll.
 */
export function redisServer(
  dir: string,
  port: number,
  options: { password?: string; args?: string[] } = {},
): RedisServerProcess {
  let child: ChildProcess | undefined;
  const url = `redis://${options.password ? `:${options.password}@` : ''}127.0.0.1:${port}`;
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'yes',
  ];
  args.push('--appendfsync', 'always', '--daemonize', 'no', '--loglevel', 'warning');
  if (options.password) args.push('--requirepass', options.password);
  args.push(...(options.args ?? []));
  const kill = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  return {
    port,
    url,
    kill,
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
    async start() {
      if (child) throw new Error(`redis-server on ${port} is already running`);
      const started = spawn('redis-server', args, { stdio: 'ignore' });
      child = started;
      // If the test worker dies before afterAll, do not leave a redis-server behind.
      const reap = () => started.kill('SIGKILL');
      process.once('exit', reap);
      started.once('exit', () => process.off('exit', reap));
      const failed = new Promise<never>((_, reject) => {
        started.once('error', (error) => reject(new Error(`cannot start redis-server: ${error.message}`)));
        started.once('exit', (code) => reject(new Error(`redis-server on ${port} exited with ${code}`)));
      });
      failed.catch(() => {});
      for (let i = 0; i < 100; i++) {
        if (await Promise.race([ping(url, 200), failed])) return;
        await sleep(50);
      }
      await kill();
      throw new Error(`redis-server on ${port} did not answer`);
    },
  };
}

/** A Redis Cluster of test-owned redis-server processes (masters only). */
export interface RedisClusterProcess {
  readonly nodes: RedisServerProcess[];
  /** redis+cluster://127.0.0.1:p1,127.0.0.1:p2,... */
  readonly url: string;
  /** Waits until every running node reports cluster_state:ok. */
  waitHealthy(timeoutMs?: number): Promise<void>;
  kill(): Promise<void>;
}

/** Starts `size` cluster-enabled nodes with their data under `dir`, joins them with redis-cli, waits until healthy. */
export async function startRedisCluster(dir: string, size = 3): Promise<RedisClusterProcess> {
  const { mkdir } = await import('node:fs/promises');
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const nodes: RedisServerProcess[] = [];
  const cluster: RedisClusterProcess = {
    nodes,
    get url() {
      return `redis+cluster://${nodes.map((node) => `127.0.0.1:${node.port}`).join(',')}`;
    },
    async waitHealthy(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const states = await Promise.all(
          nodes.map(async (node) => {
            const client = await openRawRedis(node.url, 200).catch(() => undefined);
            if (!client) return false;
            try {
              return (await client.clusterInfo()).includes('cluster_state:ok');
            } catch {
              return false;
            } finally {
              client.destroy();
            }
          }),
        );
        if (states.every(Boolean)) return;
        if (Date.now() > deadline) throw new Error(`Redis Cluster not healthy after ${timeoutMs} ms`);
        await sleep(100);
      }
    },
    async kill() {
      await Promise.all(nodes.map((node) => node.kill()));
    },
  };
  try {
    for (let i = 0; i < size; i++) {
      const nodeDir = join(dir, `node-${i}`);
      await mkdir(nodeDir, { recursive: true });
      const args = ['--cluster-enabled', 'yes', '--cluster-port', String(await freePort())];
      args.push('--cluster-node-timeout', '5000', '--cluster-config-file', 'nodes.conf');
      const node = redisServer(nodeDir, await freePort(), { args });
      nodes.push(node);
      await node.start();
    }
    const addresses = nodes.map((node) => `127.0.0.1:${node.port}`);
    await promisify(execFile)('redis-cli', [
      '--cluster',
      'create',
      ...addresses,
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    await cluster.waitHealthy();
    return cluster;
  } catch (error) {
    await cluster.kill();
    throw error;
  }
}
