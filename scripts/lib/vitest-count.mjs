// Counts a vitest JSON report into passed/failed for the closing line of `npm test`.
// numFailedTests counts tests only: a file that fails to load (an import that throws, a syntax
// error) has no tests, so it would add nothing there and the closing line could say "0 failed".
// Each such file is counted as one failure of its own.

/**
 * @param {any} report parsed vitest JSON report, or undefined when none was written
 * @returns {{ passed: number, failed: number, brokenFiles: string[] }}
 */
export function countVitest(report) {
  if (!report || typeof report !== 'object') return { passed: 0, failed: 1, brokenFiles: ['(no vitest report)'] };
  const passed = Number(report.numPassedTests) || 0;
  let failed = Number(report.numFailedTests) || 0;
  const files = Array.isArray(report.testResults) ? report.testResults : [];
  // A file whose status is failed while none of its tests failed did not run (load error, a
  // failing beforeAll/afterAll): its failed tests are not in numFailedTests.
  const brokenFiles = files
    .filter((f) => f?.status === 'failed' && !(f.assertionResults ?? []).some((a) => a?.status === 'failed'))
    .map((f) => String(f.name ?? '(unnamed file)'));
  failed += brokenFiles.length;
  // Files that failed which the list above could not see (a report without testResults).
  if (files.length === 0) failed += Number(report.numFailedTestSuites) || 0;
  // No tests at all, or vitest itself said the run failed (an unhandled error between tests) while
  // nothing above was counted: the run is not a pass.
  if (failed === 0 && ((Number(report.numTotalTests) || 0) === 0 || report.success === false)) failed += 1;
  return { passed, failed, brokenFiles };
}
