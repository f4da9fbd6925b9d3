import { PassThrough, type Readable, Writable } from 'node:stream';
import type { Logger } from '../log.js';
import { answersFile, readAnswers, type StartAnswers, writeAnswers } from './answers.js';
import { type Eligible, eligible } from './eligible.js';
import { startFingerprint } from './fingerprint.js';

// The stdio front: most of a stdio start is loading the SDK, zod and the tool catalog, while the first thing every
// client asks (initialize, then tools/list) has an answer fixed by the build and the configuration. So the bin opens
// this front first, with nothing of those loaded. When it holds the answers the SDK server gave for the same
// fingerprint, it answers initialize, tools/list and ping itself, then the full server loads. Every byte the client
// sent is kept and given to the real SDK server, in order, once it is ready: the server so sees initialize (it
// learns the client's capabilities and version) and everything after it, and what it answers to the requests the
// front already answered is dropped, after being compared with what the front sent. A difference (an input the
// fingerprint missed) is logged, the kept answers are replaced and, for tools/list, the client is told the list
// changed. Without answers for this fingerprint the front only watches the server answer initialize and tools/list
// to keep those answers for the next start. Anything it does not expect (a first message that is not initialize, a
// batch, a line it cannot parse) ends its answering, and the server reads everything from there as it came.

/** The longest line the front reads; past it, the server reads on. */
const MAX_LINE_BYTES = 1024 * 1024;
/** What the front holds for the server while it loads (the SDK's own read buffer is as large); then stdin waits. */
const MAX_HELD_BYTES = 10 * 1024 * 1024;

type Id = string | number;
const keyOf = (id: Id) => `${typeof id}:${id}`;
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A JSON-RPC result line as the SDK's stdio transport writes one. */
const resultLine = (id: Id, result: unknown) => `${JSON.stringify({ result, jsonrpc: '2.0', id })}\n`;
const LIST_CHANGED = `${JSON.stringify({ method: 'notifications/tools/list_changed', jsonrpc: '2.0' })}\n`;

/** The protocol versions of the SDK the server runs on, as src/mcp exports them. */
export interface ProtocolVersions {
  supported: readonly string[];
  latest: string;
}

/** The streams the SDK's stdio transport reads and writes once the server is ready, in place of stdin and stdout. */
export interface HandedOver {
  input: Readable;
  output: Writable;
  /** Whether the front answered the start itself, for the start-up log. */
  answered: boolean;
}

export interface StdioFront {
  /** Resolves when the server should load: the front answered tools/list, met what it does not answer, or stdin ended. */
  readonly loadNow: Promise<void>;
  /** Gives the server everything the client sent, and keeps or checks the answers as it answers. */
  handOver(protocol: ProtocolVersions, log: Logger): HandedOver;
}

export interface FrontOptions {
  argv: readonly string[];
  configFile: string | undefined;
  env: NodeJS.ProcessEnv;
  /** The running entry module's URL (fingerprint.ts). */
  entry: string;
  stdin?: Readable;
  stdout?: Writable;
}

interface Watched {
  method: Eligible;
  /** The line the front sent, when it answered: the server's answer is then compared and dropped. */
  sent?: string;
}

/**
 * Opens the stdio front for `confluence-mcp [stdio]`; undefined when the start cannot be fingerprinted, and the
 * server then reads stdin itself as before.
 */
export function openStdioFront(options: FrontOptions): StdioFront | undefined {
  const fingerprint = startFingerprint(options);
  if (!fingerprint) return undefined;
  const stdin = options.stdin ?? process.stdin;
  const stdout = options.stdout ?? process.stdout;
  const file = answersFile(options.env);
  const answers = readAnswers(file, fingerprint);

  let load: () => void = () => {};
  const loadNow = new Promise<void>((resolve) => {
    load = resolve;
  });
  if (!answers) load();

  // The opening run of messages the front may answer (initialize first): while it lasts, lines are read.
  let prefix = true;
  let answering = answers !== undefined;
  let first = true;
  let line: Buffer | undefined;
  let held: Buffer[] = [];
  let heldBytes = 0;
  let paused = false;
  let ended = false;
  let server: PassThrough | undefined;
  const watched = new Map<string, Watched>();

  const closePrefix = () => {
    prefix = false;
    answering = false;
    line = undefined;
    load();
  };

  // As the SDK answers: ping with an empty result, initialize with the requested version when it supports it.
  const answer = (kind: Eligible, message: Record<string, unknown>, kept: StartAnswers) => {
    const id = message.id as Id;
    if (kind === 'ping') return resultLine(id, {});
    if (kind === 'tools/list') return resultLine(id, kept.toolsList);
    const requested = (message.params as { protocolVersion: string }).protocolVersion;
    const version = kept.protocol.supported.includes(requested) ? requested : kept.protocol.latest;
    return resultLine(id, { protocolVersion: version, ...kept.initialize });
  };

  const read = (text: string) => {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return closePrefix();
    }
    const kind = eligible(message, first);
    if (!kind || !isObject(message)) return closePrefix();
    first = false;
    if (kind === 'notifications/initialized') return;
    const key = keyOf(message.id as Id);
    if (watched.has(key)) return closePrefix();
    if (answering && answers) {
      const sent = answer(kind, message, answers);
      stdout.write(sent);
      watched.set(key, { method: kind, sent });
      if (kind === 'tools/list') load();
    } else if (kind !== 'ping' && ![...watched.values()].some((w) => w.method === kind)) {
      watched.set(key, { method: kind });
    }
  };

  // Lines as the SDK's ReadBuffer cuts them: at \n, without a trailing \r.
  const inspect = (chunk: Buffer) => {
    let rest = line ? Buffer.concat([line, chunk]) : chunk;
    for (let end = rest.indexOf('\n'); prefix && end >= 0; end = rest.indexOf('\n')) {
      const text = rest.toString('utf8', 0, end).replace(/\r$/, '');
      rest = rest.subarray(end + 1);
      read(text);
    }
    if (!prefix) return;
    if (rest.length > MAX_LINE_BYTES) closePrefix();
    else line = rest;
  };

  const onData = (chunk: Buffer) => {
    if (prefix) inspect(chunk);
    if (server) return void server.write(chunk);
    held.push(chunk);
    heldBytes += chunk.length;
    if (heldBytes > MAX_HELD_BYTES && !paused) {
      paused = true;
      stdin.pause();
    }
  };
  const onEnd = () => {
    if (ended) return;
    ended = true;
    closePrefix();
    server?.end();
  };
  stdin.on('data', onData);
  stdin.once('end', onEnd);
  stdin.on('error', onEnd);

  return {
    loadNow,
    handOver(protocol, log) {
      const answered = [...watched.values()].some((w) => w.sent !== undefined);
      // From here the server answers; the front reads on only to learn which answers to keep.
      answering = false;
      if (answers) prefix = false;
      const captured: Partial<Record<Eligible, Record<string, unknown>>> = {};
      const differed: Eligible[] = [];
      let settled = false;

      // Written after the answer that completed them is on its way, not before it.
      const keep = () => setImmediate(write);
      // Without both answers from the server (it answered an error, or was not asked), kept ones are forgotten.
      const write = () => {
        const initialize = captured.initialize;
        const toolsList = captured['tools/list'];
        if ((!initialize || !toolsList) && !answers) return;
        const { protocolVersion: _negotiated, ...rest } = initialize ?? {};
        try {
          writeAnswers(
            file,
            fingerprint,
            initialize && toolsList
              ? {
                  protocol: { supported: [...protocol.supported], latest: protocol.latest },
                  initialize: rest,
                  toolsList,
                }
              : undefined,
          );
        } catch (error) {
          log.debug('could not keep the start-up answers', { error: (error as Error).message });
        }
      };
      const settle = () => {
        if (settled) return;
        if (answers && watched.size === 0) {
          settled = true;
          if (differed.length === 0) return;
          log.warn('the kept start-up answers differed from the server; they are replaced', { differed });
          keep();
        } else if (!answers && captured.initialize && captured['tools/list']) {
          settled = true;
          keep();
        }
      };

      const output = new Writable({
        write(chunk: Buffer, _encoding, done) {
          if (!settled && (prefix || watched.size > 0)) {
            const text = chunk.toString();
            let message: unknown;
            try {
              message = JSON.parse(text);
            } catch {
              message = undefined;
            }
            const id = isObject(message) ? message.id : undefined;
            const entry = id === undefined ? undefined : watched.get(keyOf(id as Id));
            if (entry && isObject(message)) {
              watched.delete(keyOf(id as Id));
              if (isObject(message.result)) captured[entry.method] = message.result;
              if (entry.sent !== undefined) {
                if (text !== entry.sent) differed.push(entry.method);
                settle();
                // The client already had the answer; it hears of a changed tool list.
                if (entry.method === 'tools/list' && text !== entry.sent)
                  return void stdout.write(LIST_CHANGED, done);
                return void done();
              }
              settle();
            }
          }
          stdout.write(chunk, done);
        },
      });

      server = new PassThrough();
      for (const chunk of held) server.write(chunk);
      held = [];
      if (paused) stdin.resume();
      if (ended) server.end();
      settle();
      return { input: server, output, answered };
    },
  };
}
