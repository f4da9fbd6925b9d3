import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient, type RedisClientType } from '@keyv/redis';
import { processIsGone, reservePort } from './ports.js';
import { describeRequiring } from './requires.js';

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

/** Whether Redis at `url` answered a PING; 'refused' when nothing listens there (a definite no, given at once). */
async function ping(url: string, timeoutMs: number): Promise<boolean | 'refused'> {
  let client: RawClient | undefined;
  const attempt = (async () => {
    // Assigned before connecting, so a connection that outlives the race below is still closed.
    client = createClient({ url, socket: { connectTimeout: timeoutMs, reconnectStrategy: false } });
    client.on('error', () => {});
    await client.connect();
    return (await client.ping()) === 'PONG';
  })().catch((error: unknown) => ((error as { code?: string }).code === 'ECONNREFUSED' ? 'refused' : false));
  const answered = await Promise.race([attempt, sleep(timeoutMs * 2, false as const)]);
  const opened = client as RawClient | undefined;
  if (opened?.isOpen) opened.destroy();
  return answered;
}

/**
 * Whether Redis answers at `url`. A refused connection is a definite no at once, so a clone without Redis is not
 * slowed; a slow answer (a busy machine, a first connection that loads node-redis) is waited for generously and tried
 * again, so a busy machine never skips the Redis suites by mistake.
 */
async function redisAnswers(url: string): Promise<boolean> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const answer = await ping(url, 5000);
    if (answer !== false) return answer === true;
  }
  return false;
}

/** Whether Redis answered a PING at redisUrl when this module loaded. */
export const redisAvailable: boolean = await redisAnswers(redisUrl);

function commandRuns(command: string): boolean {
  const result = spawnSync(command, ['--version'], { stdio: 'ignore' });
  return result.error === undefined && result.status === 0;
}

/**
 * describe() for suites that need the Redis at redisUrl: runs them when Redis answers; otherwise fails in CI
 * (CI=true) and skips elsewhere, under a name that says why.
 */
export function describeWithRedis(name: string, fn: () => void): void {
  describeRequiring({ what: `Redis at ${redisUrlForDisplay}`, available: redisAvailable }, name, fn);
}

/**
 * describe() for suites that start their own Redis: they need only the programs (`redis-server`, and `redis-cli`
 * for a cluster), not the Redis at redisUrl. Fails in CI and skips elsewhere when one is missing.
 */
export function describeWithRedisServer(
  name: string,
  fn: () => void,
  programs: readonly string[] = ['redis-server'],
): void {
  const missing = programs.filter((program) => !commandRuns(program));
  describeRequiring({ what: `${missing.join(' or ')} on PATH`, available: missing.length === 0 }, name, fn);
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
 * Where each test-started redis-server is recorded (`<redis pid>-<owner pid>`), so one whose test worker was killed
 * outright (SIGKILL, as Stryker ends a runner that timed out) is not left behind, perhaps SIGSTOPped by a test that
 * paused it: a process-exit hook does not run then. CMCP_TEST_REDIS_OWNED_DIR moves it, so the test of this reaping
 * can keep its records where no other test file's start reaps them first.
 */
const OWNED_DIR = process.env.CMCP_TEST_REDIS_OWNED_DIR || join(tmpdir(), 'confluence-mcp-test-redis');

function commandLineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

/** Kills the redis-servers recorded in `dir` whose owner has exited; returns their pids. */
export function reapOrphanedRedisServers(dir = OWNED_DIR): number[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const reaped: number[] = [];
  for (const name of names) {
    const match = /^(\d+)-(\d+)$/.exec(name);
    if (!match) continue;
    const [redisPid, ownerPid] = [Number(match[1]), Number(match[2])];
    if (!processIsGone(ownerPid)) continue;
    let port: string;
    try {
      port = readFileSync(join(dir, name), 'utf8');
    } catch {
      continue; // Another worker reaped it first.
    }
    // The pid may have been reused since: only a redis-server still listening on the recorded port is ended (its
    // process title is `redis-server 127.0.0.1:<port>`).
    const title = commandLineOf(redisPid).replace(/[\s\0]+$/, '');
    if (!processIsGone(redisPid) && title.startsWith('redis-server ') && title.endsWith(port)) {
      process.kill(redisPid, 'SIGKILL');
      reaped.push(redisPid);
    }
    rmSync(join(dir, name), { force: true });
  }
  return reaped;
}

function recordOwned(child: ChildProcess, port: number): () => void {
  const file = join(OWNED_DIR, `${child.pid}-${process.pid}`);
  mkdirSync(OWNED_DIR, { recursive: true });
  writeFileSync(file, `:${port}`);
  return () => rmSync(file, { force: true });
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
      reapOrphanedRedisServers();
      const started = spawn('redis-server', args, { stdio: 'ignore' });
      child = started;
      // If the test worker dies before afterAll, do not leave a redis-server behind: an exit hook for an orderly end,
      // and a record the next start reaps for a worker killed outright.
      const forget = started.pid === undefined ? () => {} : recordOwned(started, port);
      const reap = () => started.kill('SIGKILL');
      process.once('exit', reap);
      started.once('exit', () => {
        process.off('exit', reap);
        forget();
      });
      const failed = new Promise<never>((_, reject) => {
        started.once('error', (error) => reject(new Error(`cannot start redis-server: ${error.message}`)));
        started.once('exit', (code) => reject(new Error(`redis-server on ${port} exited with ${code}`)));
      });
      failed.catch(() => {});
      // Refused until it listens; a busy machine may take its time to start it, so wait by a deadline, not a count.
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        if ((await Promise.race([ping(url, 2000), failed])) === true) return;
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
            const client = await openRawRedis(node.url, 2000).catch(() => undefined);
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
      const args = ['--cluster-enabled', 'yes', '--cluster-port', String(await reservePort())];
      args.push('--cluster-node-timeout', '5000', '--cluster-config-file', 'nodes.conf');
      const node = redisServer(nodeDir, await reservePort(), { args });
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
