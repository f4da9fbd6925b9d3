import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Everything a test starts that can listen on port 0 does so and reports the port it got. What is left must be told
// its port in advance: redis-server (it has no "any port", and a restarted server must come back on the same one)
// and the stdio user's loopback callback (registered with the OAuth app before anything listens).
//
// A port from the kernel's ephemeral range can be taken between a check and its use by any outgoing connection or
// listen(0) on the machine, and test runs make thousands of those. So these ports come from below that range, where
// only programs that name a port bind; and a reservation file per port, created with O_EXCL, keeps every test
// process on the machine (of this clone or another) off a port until the process that reserved it exits.

const RESERVATIONS = join(tmpdir(), 'confluence-mcp-test-ports');
const LOWEST = 15_000;
const reserved = new Set<number>();

/** The first port of the kernel's ephemeral range (Linux reports it; elsewhere the IANA range is assumed). */
function ephemeralStart(): number {
  try {
    const first = Number(
      readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0],
    );
    if (Number.isInteger(first) && first > LOWEST + 1000) return first;
  } catch {
    // not Linux
  }
  return 49_152;
}

const HIGHEST = ephemeralStart() - 1;

/** Whether no process has `pid` any more (one we may not signal still counts as there). */
export function processIsGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Takes the reservation file of `port` for this process; false when a live process holds it. */
function claim(port: number): boolean {
  const file = join(RESERVATIONS, String(port));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    // A reservation outlives a process that died without its exit handler; a pid that is gone frees the port.
    let holder = Number.NaN;
    try {
      holder = Number(readFileSync(file, 'utf8'));
    } catch {
      // released meanwhile
    }
    if (Number.isInteger(holder) && holder > 0 && !processIsGone(holder)) return false;
    try {
      unlinkSync(file);
    } catch {
      // someone else cleared it first
    }
  }
  return false;
}

function release(port: number): void {
  if (!reserved.delete(port)) return;
  try {
    unlinkSync(join(RESERVATIONS, String(port)));
  } catch {
    // already gone
  }
}

process.on('exit', () => {
  for (const port of [...reserved]) release(port);
});

/** Whether nothing listens on 127.0.0.1:port (binding it and closing again). */
function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * A port on 127.0.0.1 that nothing listens on and no other test process on this machine will be given, for a process
 * that must be told its port before it starts. It stays reserved until this process exits. Anything that can listen
 * on port 0 should do that instead.
 */
export async function reservePort(): Promise<number> {
  mkdirSync(RESERVATIONS, { recursive: true });
  for (let attempt = 0; attempt < 500; attempt++) {
    const port = LOWEST + Math.floor(Math.random() * (HIGHEST - LOWEST + 1));
    if (reserved.has(port) || !claim(port)) continue;
    reserved.add(port);
    if (await bindable(port)) return port;
    release(port); // something outside the tests listens there
  }
  throw new Error(`no free port between ${LOWEST} and ${HIGHEST} after 500 tries`);
}
