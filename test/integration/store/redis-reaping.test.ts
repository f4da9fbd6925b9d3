import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually } from '../../support/eventually.js';
import { describeWithRedisServer, reapOrphanedRedisServers } from '../../support/redis.js';

/** Running, as opposed to gone or a zombie nobody has waited for yet. */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** The redis-server a test worker recorded as its own. */
function recordedBy(owner: number): number | undefined {
  const name = readdirSync(owned).find((n) => n.endsWith(`-${owner}`));
  return name === undefined ? undefined : Number(name.split('-')[0]);
}

// The records live in a directory of this file's own (CMCP_TEST_REDIS_OWNED_DIR): in the shared one, another test
// file starting a redis-server at the same moment would reap the orphan first, and this file could not tell its own
// reaping from theirs.
let owned: string;

describeWithRedisServer('redis-servers of a test worker that was killed outright', () => {
  let dir: string;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cmcp-redis-reaping-'));
    owned = join(dir, 'owned');
    await mkdir(owned);
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('are ended by the next start, even when they were paused (SIGSTOP)', async () => {
    // A worker that starts a redis-server, pauses it as the outage tests do, and is then SIGKILLed: no exit hook runs.
    const script = `
      const { redisServer } = await import('./test/support/redis.ts');
      const { reservePort } = await import('./test/support/ports.ts');
      const server = redisServer(${JSON.stringify(dir)}, await reservePort());
      await server.start();
      server.pause();
      process.stdout.write('paused\\n');
      setInterval(() => {}, 1000);`;
    const worker = spawn(
      process.execPath,
      ['--import', './test/support/ts-register.mjs', '--input-type=module', '-e', script],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, NODE_OPTIONS: '', CMCP_TEST_REDIS_OWNED_DIR: owned },
      },
    );
    children.push(worker);
    await once(worker.stdout as NodeJS.ReadableStream, 'data');
    const redisPid = recordedBy(worker.pid ?? -1);
    expect(redisPid).toBeDefined();
    const exited = once(worker, 'exit');
    worker.kill('SIGKILL');
    await exited;
    expect(running(redisPid as number)).toBe(true);

    expect(reapOrphanedRedisServers(owned)).toContain(redisPid);
    await eventually('the reaped redis-server to end', async () =>
      running(redisPid as number) ? undefined : true,
    );
    expect(recordedBy(worker.pid ?? -1)).toBeUndefined();
  });

  it('leave alone a process that took a recorded pid since, and the servers of live workers', async () => {
    // A recorded pid now held by another program, its owner gone.
    const other = spawn('sleep', ['30'], { stdio: 'ignore' });
    children.push(other);
    const gone = spawn(process.execPath, ['-e', '0']);
    await once(gone, 'exit');
    await writeFile(join(owned, `${other.pid}-${gone.pid}`), ':6390');
    // A redis-server-looking record whose owner (this worker) is alive.
    const mine = spawn('sleep', ['30'], { stdio: 'ignore' });
    children.push(mine);
    await writeFile(join(owned, `${mine.pid}-${process.pid}`), ':6391');

    expect(reapOrphanedRedisServers(owned)).not.toContain(other.pid);
    expect(running(other.pid ?? -1)).toBe(true);
    expect(running(mine.pid ?? -1)).toBe(true);
    // The stale record is gone; the live owner's stays until its server exits.
    expect(readdirSync(owned)).not.toContain(`${other.pid}-${gone.pid}`);
    expect(readdirSync(owned)).toContain(`${mine.pid}-${process.pid}`);
    await rm(join(owned, `${mine.pid}-${process.pid}`), { force: true });
  });
});
