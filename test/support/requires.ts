import { describe, it } from 'vitest';

/** Something a suite needs from the machine: whether it is there, and how to say where it was looked for. */
export interface Requirement {
  /** What is needed, e.g. "Redis at redis://127.0.0.1:6379". */
  what: string;
  available: boolean;
}

/**
 * describe() for suites that need something a fresh clone may lack (Redis, a browser, Atlassian's specs): runs them
 * when it is there; otherwise fails in CI (CI=true) and skips elsewhere, saying so on stderr and in the suite's name.
 */
export function describeRequiring(requirement: Requirement, name: string, fn: () => void): void {
  if (requirement.available) {
    describe(name, fn);
  } else if (process.env.CI === 'true') {
    describe(name, () => {
      it(`has ${requirement.what}`, () => {
        throw new Error(`CI requires ${requirement.what}`);
      });
    });
  } else {
    // Said out loud, not only in the verbose reporter: a skipped suite must never pass for a green one.
    process.stderr.write(`Skipping "${name}": no ${requirement.what} (CI=true makes this a failure).\n`);
    describe.skip(`${name} (skipped: no ${requirement.what})`, fn);
  }
}
