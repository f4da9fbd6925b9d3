// Merging Stryker incremental reports (see merge.mjs for why there is more than one).
//
// A report names its tests by ids that mean something only inside that report ("34" is one test in the guards
// group's run and another in the transports group's), while Stryker's incremental mode reads one id space: a
// mutant killed by "34" in one group would be taken as killed by whatever "34" is in the merged file. So every id
// is translated to the test it stands for (file, position, name: what Stryker itself identifies a test by) and
// numbered again, one id per test.
//
// Where the groups ran against different versions of a test file, one version is kept: the one on disk now if a
// group saw it, else the first group's. The tests a group saw in another version are dropped from its mutants'
// coverage, so Stryker sees those mutants as covered by changed tests and runs them again rather than trusting a
// result the current test never produced.

/** Stryker's own identity of a test (incremental-differ's testToIdentifyingKey). */
function testKey(file, test) {
  const start = test.startPosition ?? test.location?.start ?? { line: 0, column: 0 };
  return `${file}@${start.line}:${start.column}\n${test.name}`;
}

/**
 * @param {object[]} reports Stryker JSON reports (mutation-testing-report-schema), in the order they ran.
 * @param {(file: string) => string | undefined} currentSource a test file's text now, if it exists.
 */
export function mergeReports(reports, currentSource = () => undefined) {
  if (reports.length === 0) throw new Error('nothing to merge');
  for (const report of reports) {
    if (typeof report?.files !== 'object' || report.files === null) throw new Error('not a Stryker report');
  }

  // The version of each test file kept.
  const kept = new Map();
  for (const report of reports) {
    for (const [file, { source }] of Object.entries(report.testFiles ?? {})) {
      if (!kept.has(file) || (source !== undefined && source === currentSource(file))) kept.set(file, source);
    }
  }

  // Each test of a kept version gets one id, whichever reports it came from.
  const testFiles = {};
  const idByKey = new Map();
  const idMaps = reports.map((report) => {
    const map = new Map();
    for (const [file, { source, tests }] of Object.entries(report.testFiles ?? {})) {
      if (source !== kept.get(file)) continue;
      testFiles[file] ??= { ...(source === undefined ? {} : { source }), tests: [] };
      for (const test of tests) {
        const key = testKey(file, test);
        let id = idByKey.get(key);
        if (id === undefined) {
          id = String(idByKey.size + 1);
          idByKey.set(key, id);
          const { id: _old, ...rest } = test;
          testFiles[file].tests.push({ id, ...rest });
        }
        map.set(test.id, id);
      }
    }
    return map;
  });

  const files = {};
  reports.forEach((report, i) => {
    const translate = (ids) => ids?.map((id) => idMaps[i].get(id)).filter((id) => id !== undefined);
    for (const [file, result] of Object.entries(report.files)) {
      files[file] = {
        ...result,
        mutants: result.mutants.map((mutant) => ({
          ...mutant,
          ...(mutant.coveredBy ? { coveredBy: translate(mutant.coveredBy) } : {}),
          ...(mutant.killedBy ? { killedBy: translate(mutant.killedBy) } : {}),
        })),
      };
    }
  });
  return { ...reports.at(-1), files, testFiles };
}

/** The score as Stryker counts it: killed and timed out over everything that could have been detected. */
export function score(report) {
  const mutants = Object.values(report.files).flatMap((f) => f.mutants);
  const count = (status) => mutants.filter((m) => m.status === status).length;
  const detected = count('Killed') + count('Timeout');
  const valid = detected + count('Survived') + count('NoCoverage');
  return {
    files: Object.keys(report.files).length,
    mutants: mutants.length,
    survived: count('Survived'),
    noCoverage: count('NoCoverage'),
    percent: valid ? (100 * detected) / valid : 100,
  };
}
