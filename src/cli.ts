#!/usr/bin/env node
import { parseCommandLine } from './command-line.js';
import { thisProcess, tuneServerHeap } from './start/heap.js';
import { openStdioFront, type StdioFront } from './start/index.js';

// The bin's first module imports only what the stdio front needs: plain `confluence-mcp [stdio]` opens the front,
// which can answer a client's initialize and tools/list while the commands, the SDK, zod and the tool catalog load
// (src/start/front.ts). Every other command, and a command line that does not parse, goes straight to the commands.

const argv = process.argv.slice(2);

function frontFor(args: string[]): StdioFront | undefined {
  try {
    const { values, positionals, command } = parseCommandLine(args);
    if (command !== 'stdio' || positionals.length > 1 || values.help || values.version) return undefined;
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

function commandOf(args: string[]): string | undefined {
  try {
    return parseCommandLine(args).command;
  } catch {
    return undefined;
  }
}

// `confluence-mcp http` restarts in place with a smaller heap where Node can (src/start/heap.ts); this returns when
// it does not.
const command = commandOf(argv);
if (command === 'http') tuneServerHeap(thisProcess(command), process.argv, process.execPath);

const front = frontFor(argv);
await front?.loadNow;
const { runCommand } = await import('./commands.js');
runCommand(argv, front);
