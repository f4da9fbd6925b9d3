#!/usr/bin/env node
import { parseCommandLine } from './command-line.js';
import { thisProcess, tuneServerHeap } from './start/heap.js';
import { openStdioFront, type StdioFront } from './start/index.js';

// The bin's first module imports only what the stdio front needs: plain `confluence-mcp [stdio]` opens the front,
// which can answer a client's initialize and tools/list while the commands, the SDK, zod and the tool catalog load
// (src/start/front.ts). Every other command, and a command line that does not parse, goes straight to the commands.

const argv = process.argv.slice(2);

/** The command line parsed once for both decisions below; undefined when it does not parse (the commands say why). */
function parsed(args: string[]): ReturnType<typeof parseCommandLine> | undefined {
  try {
    return parseCommandLine(args);
  } catch {
    return undefined;
  }
}

function frontFor(
  args: string[],
  line: ReturnType<typeof parseCommandLine> | undefined,
): StdioFront | undefined {
  if (!line) return undefined;
  const { values, positionals, command } = line;
  if (command !== 'stdio' || positionals.length > 1 || values.help || values.version) return undefined;
  try {
    return openStdioFront({
      argv: args,
      configFile: values.config,
      env: process.env,
      entry: import.meta.url,
    });
  } catch {
    return undefined;
  }
}

const line = parsed(argv);
// `confluence-mcp http` restarts in place with a smaller heap where Node can (src/start/heap.ts); this returns when
// it does not.
if (line?.command === 'http') tuneServerHeap(thisProcess(line.command), process.argv, process.execPath);

const front = frontFor(argv, line);
await front?.loadNow;
const { runCommand } = await import('./commands.js');
runCommand(argv, front);
