// Whether committed mutation results still describe the code and tests on disk. A Stryker report keeps the text of
// every file it mutated and of every test file it ran; when all of them are unchanged and no file has joined a
// group, an incremental run would reuse every result (after a dry run of the whole suite, minutes on two cores), so
// the recorded results stand as they are. A test file the results never saw can only catch more mutants, so it does
// not make them stale (the next group run counts it).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The files a `mutate` pattern names: a path, or `dir/**` + `/*.ext` (the only forms groups.mjs uses). */
export function filesOf(pattern, root = '.') {
  const deep = /^(.*)\/\*\*\/\*(\.[\w.]+)$/.exec(pattern);
  if (!deep) return existsSync(join(root, pattern)) ? [pattern] : [];
  const [, dir, ext] = deep;
  const found = [];
  const walk = (rel) => {
    for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
      const path = `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(ext)) found.push(path);
    }
  };
  if (existsSync(join(root, dir))) walk(dir);
  return found.sort();
}

/**
 * What changed since `report` was written, as readable reasons; empty when the report is current for the files the
 * `patterns` name.
 */
export function staleness(report, patterns, root = '.') {
  const read = (file) => (existsSync(join(root, file)) ? readFileSync(join(root, file), 'utf8') : undefined);
  const reasons = [];
  for (const file of patterns.flatMap((p) => filesOf(p, root))) {
    const recorded = report.files[file];
    if (!recorded) reasons.push(`${file} has no results`);
    else if (recorded.source !== read(file)) reasons.push(`${file} changed`);
  }
  for (const [file, { source }] of Object.entries(report.testFiles ?? {})) {
    if (source === undefined || source !== read(file)) reasons.push(`${file} changed`);
  }
  return reasons;
}

/**
 * `report` with an empty entry for every file the patterns name that Stryker left out because it holds nothing to
 * mutate (a barrel of exports, an interface), so that a later check knows those files were seen and can tell when
 * they change.
 */
export function withFilesWithoutMutants(report, patterns, root = '.') {
  const files = { ...report.files };
  for (const file of patterns.flatMap((p) => filesOf(p, root))) {
    files[file] ??= { language: 'typescript', source: readFileSync(join(root, file), 'utf8'), mutants: [] };
  }
  return { ...report, files };
}
