import { openRawRedis, redisUrl } from './redis.js';

/** One command as Redis's MONITOR reported it. */
export interface MonitoredCommand {
  /** The connection that sent it, `ip:port`: one per store instance, so it tells processes apart. */
  client: string;
  /** The command and its arguments, e.g. `['SET', 'ns:lock:x', 'token', 'NX', 'PX', '30000']`. */
  args: string[];
}

/** What Redis runs, seen through MONITOR, so a test can wait for what another process does instead of guessing. */
export interface CommandWatch {
  /** Resolves with the first command (seen since the watch began, or later) that `match` accepts. */
  seen(match: (command: MonitoredCommand) => boolean, timeoutMs?: number): Promise<MonitoredCommand>;
  close(): void;
}

function parseMonitorLine(line: string): MonitoredCommand | undefined {
  // 1700000000.123456 [0 127.0.0.1:54321] "SET" "key" "value"
  const match = /^\S+ \[\d+ ([^\]]+)\] (.*)$/s.exec(line);
  if (!match) return undefined;
  const args = [...(match[2] ?? '').matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1] ?? '');
  return { client: match[1] ?? '', args };
}

/**
 * Watches, through MONITOR on a connection of its own, every command at `url` that mentions `namespace` (other
 * tests share the Redis; their commands are ignored). close() it in a finally.
 */
export async function watchCommands(namespace: string, url = redisUrl): Promise<CommandWatch> {
  const client = await openRawRedis(url, 5000);
  const commands: MonitoredCommand[] = [];
  const waiters = new Set<{
    match: (command: MonitoredCommand) => boolean;
    resolve: (c: MonitoredCommand) => void;
  }>();
  await client.monitor((line) => {
    if (!line.includes(namespace)) return;
    const command = parseMonitorLine(line);
    if (!command) return;
    commands.push(command);
    for (const waiter of [...waiters]) {
      if (!waiter.match(command)) continue;
      waiters.delete(waiter);
      waiter.resolve(command);
    }
  });
  return {
    seen(match, timeoutMs = 20_000) {
      const earlier = commands.find(match);
      if (earlier) return Promise.resolve(earlier);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`Redis did not see the awaited command within ${timeoutMs} ms`));
        }, timeoutMs);
        const waiter = {
          match,
          resolve: (command: MonitoredCommand) => {
            clearTimeout(timer);
            resolve(command);
          },
        };
        waiters.add(waiter);
      });
    },
    close: () => client.destroy(),
  };
}
