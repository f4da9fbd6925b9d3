import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ID } from '../../src/sandbox/seed/users.js';
import { Browser, connectThroughSandbox } from '../support/browser.js';
import { type CliProcess, startCli } from '../support/cli.js';
import { reservePort } from '../support/ports.js';

// The CLI's rough edges a new user meets: which port clashed and how to move it, a login when already connected,
// and the sandbox's printed OAuth app working for `login` as printed.

/** Exits with its code, stdout and stderr. */
async function finished(cli: CliProcess): Promise<{ code: number | null; out: string; err: string }> {
  const code =
    cli.child.exitCode ?? (await new Promise<number | null>((resolve) => cli.child.once('exit', resolve)));
  return { code, out: cli.stdout(), err: cli.stderr() };
}

describe('a port already in use', () => {
  let blocker: Server;
  let busy: number;
  let home: string;

  beforeAll(async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    busy = (blocker.address() as { port: number }).port;
    home = mkdtempSync(join(tmpdir(), 'cmcp-ports-'));
  });

  afterAll(async () => {
    await new Promise((resolve) => blocker.close(resolve));
  });

  it.each([
    ['the MCP server of dev', ['dev', '--port', 'BUSY', '--sandbox-port', '0'], /the MCP server.*--port N/],
    ['the sandbox of dev', ['dev', '--port', '0', '--sandbox-port', 'BUSY'], /the sandbox.*--sandbox-port N/],
    ['the sandbox alone', ['sandbox', '--port', 'BUSY'], /the sandbox.*--port N/],
    ['the HTTP server', ['http', '--port', 'BUSY'], /the MCP server.*--port N/],
  ])('names the port and the flag that moves it: %s', async (_name, args, remedy) => {
    const cli = startCli(
      args.map((a) => (a === 'BUSY' ? String(busy) : a)),
      { XDG_CONFIG_HOME: home },
    );
    const { code, err } = await finished(cli);
    expect(code).toBe(1);
    expect(err).toContain(`port ${busy} is already in use`);
    expect(err).toMatch(remedy);
    if (args[0] === 'dev' && args[2] === 'BUSY') expect(err).not.toContain('--sandbox-port');
  });

  it('names connect.loopbackPort when the login callback port is taken', async () => {
    const config = join(home, 'login.json');
    writeFileSync(
      config,
      JSON.stringify({ atlassian: { clientId: 'some-app' }, connect: { loopbackPort: busy } }),
    );
    const cli = startCli(['login', '--config', config], {
      XDG_CONFIG_HOME: home,
      ATLASSIAN_CLIENT_SECRET: 'a-secret',
    });
    const { code, err } = await finished(cli);
    expect(code).toBe(1);
    expect(err).toContain(`port ${busy} is already in use, so the login callback cannot listen there`);
    expect(err).toContain('connect.loopbackPort');
    expect(err).not.toContain('--port');
  });
});

describe('the sandbox command and login against it', () => {
  let sandbox: CliProcess;
  let sandboxUrl: string;
  let clientId: string;
  let clientSecret: string;
  let configFile: string;
  let home: string;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'cmcp-sbx-login-'));
    const loopback = await reservePort();
    configFile = join(home, 'mcp.config.json');
    writeFileSync(configFile, JSON.stringify({ connect: { loopbackPort: loopback } }));
    sandbox = startCli(['sandbox', '--port', '0', '--config', configFile], { XDG_CONFIG_HOME: home });
    sandboxUrl = (await sandbox.waitFor(/Site \(API tokens\):\s+(\S+)\/wiki/))[1] as string;
    const app = await sandbox.waitFor(/OAuth app: client id (\S+), client secret (\S+)/);
    clientId = app[1] as string;
    clientSecret = app[2] as string;
    await sandbox.waitFor(/callback URLs: .*http:\/\/127\.0\.0\.1:\d+\/integration-callback/);
    // Login reads the same file, now also pointing at the sandbox and its printed app.
    writeFileSync(
      configFile,
      JSON.stringify({
        atlassian: { authBaseUrl: sandboxUrl, apiBaseUrl: sandboxUrl, clientId },
        connect: { loopbackPort: loopback },
      }),
    );
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  it('prints the app with its callback URLs, for the HTTP server and the stdio login', () => {
    const line = /callback URLs: (.*)/.exec(sandbox.stdout())?.[1] ?? '';
    expect(line).toContain('http://127.0.0.1:3000/integration-callback');
    expect(line).toMatch(/http:\/\/127\.0\.0\.1:\d+\/integration-callback/);
  });

  it('logs in with the printed app and nothing else, then says so when asked to log in again', async () => {
    const env = { XDG_CONFIG_HOME: home, ATLASSIAN_CLIENT_SECRET: clientSecret };
    const login = startCli(['login', '--config', configFile], env);
    const link = (await login.waitFor(/(http:\/\/127\.0\.0\.1:\d+\/connect\/\S+)/))[1] as string;
    const outcome = await connectThroughSandbox(new Browser(), link, ID.jonas);
    expect(outcome.status, outcome.text).toBe(200);
    await login.waitFor(/Connected as Jonas Becker/);
    expect((await finished(login)).code).toBe(0);

    const again = startCli(['login', '--config', configFile], env);
    const { code, out } = await finished(again);
    expect(code).toBe(0);
    expect(out).toMatch(/Already connected as Jonas Becker to \S+/);
    expect(out).toMatch(/confluence-mcp logout first, then confluence-mcp login/);
    expect(out).not.toMatch(/\/connect\//);
  });
});
