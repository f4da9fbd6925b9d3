import { parseArgs } from 'node:util';

/**
 * The command line, parsed: the bin's first module reads it to decide whether the stdio front may answer, and the
 * commands read it again; one definition keeps the two from disagreeing. Throws as parseArgs does.
 */
export function parseCommandLine(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      'sandbox-port': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
  return { values, positionals, command: positionals[0] ?? 'stdio' };
}
