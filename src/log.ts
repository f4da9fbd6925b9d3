/**
 * Structured logs, one JSON object per line on stderr. stdout belongs to the MCP protocol on stdio, so nothing
 * here ever writes there.
 */

import { currentCallScope } from './call-scope.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

// Field names whose values are never written, whatever a caller passes: a last line of defence, not the first.
const secretKey = /token|secret|password|authorization|cookie|api[-_]?key|code_verifier|^code$|state/i;

function redact(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (secretKey.test(key)) out[key] = '[redacted]';
    else if (value instanceof Error)
      out[key] = { name: value.name, message: value.message, stack: value.stack };
    else out[key] = value;
  }
  return out;
}

/** Creates a logger writing JSON lines at or above `level` to `write` (stderr by default). */
export function createLogger(
  level: LogLevel = 'info',
  base: Record<string, unknown> = {},
  write: (line: string) => void = (line) => process.stderr.write(line),
): Logger {
  const threshold = order[level];
  const emit = (lvl: Exclude<LogLevel, 'silent'>, msg: string, fields?: Record<string, unknown>) => {
    if (order[lvl] < threshold) return;
    // Inside a tool call, every line carries the call's request id and the caller's keyed hash.
    const scoped = currentCallScope()?.fields;
    const record = {
      time: new Date().toISOString(),
      level: lvl,
      msg,
      ...redact({ ...scoped, ...base, ...fields }),
    };
    write(`${JSON.stringify(record)}\n`);
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    child: (fields) => createLogger(level, { ...base, ...fields }, write),
  };
}

/** A logger that drops everything, for tests and library use. */
export const silentLogger: Logger = createLogger('silent');
