import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(): string {
  // Walks up from this module, so it works both from src/ (tests) and from dist/src/ (the built CLI).
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('confluence-mcp: cannot find its package.json');
    dir = parent;
  }
}

/** The directory holding the package's package.json and mcp.config.json. */
export const PACKAGE_ROOT = findPackageRoot();

/** The package's name and version, for the user agent and the MCP server info. */
export const PACKAGE = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
};
