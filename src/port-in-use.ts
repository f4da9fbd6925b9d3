/** A port another program already listens on, with what was to listen there and the setting that moves it. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
  constructor(
    readonly port: number | undefined,
    readonly role: string,
    readonly remedy: string,
  ) {
    super(`port ${port ?? '(unknown)'} is already in use, so ${role} cannot listen there. ${remedy}`);
  }
}

/**
 * Runs `start` (something that listens), turning "address in use" into a PortInUseError that names the port that
 * clashed and how to choose another: a port clash in `dev` may be the MCP server's, the sandbox's or neither.
 */
export async function listening<T>(start: () => Promise<T>, role: string, remedy: string): Promise<T> {
  try {
    return await start();
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { port?: number };
    if (e?.code === 'EADDRINUSE') throw new PortInUseError(e.port, role, remedy);
    throw error;
  }
}

/** The remedies, one per setting that chooses a port. */
export const PORT_REMEDY = {
  http: 'Choose another with --port N (or http.port in the configuration, CONFLUENCE_MCP_PORT); --port 0 picks a free one.',
  devSandbox: 'Choose another with --sandbox-port N; --sandbox-port 0 picks a free one.',
  sandbox: 'Choose another with --port N; --port 0 picks a free one.',
  loopback: (callbackPath: string) =>
    `Set connect.loopbackPort in the configuration to a free port (and register http://127.0.0.1:PORT${callbackPath} as a callback URL of the OAuth app).`,
} as const;
