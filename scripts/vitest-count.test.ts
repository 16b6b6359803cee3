import { describe, expect, it } from 'vitest';
import { countVitest } from './lib/vitest-count.mjs';

// Shapes taken from a real `vitest run --reporter=json` report (vitest 5), trimmed to the fields read.
const passingFile = { name: '/w/a.test.ts', status: 'passed', assertionResults: [{ status: 'passed' }, { status: 'passed' }] };
const loadFailure = { name: '/w/broken.test.ts', status: 'failed', message: 'deliberate load failure', assertionResults: [] };

describe('countVitest', () => {
  it('counts each file that failed to load as a failure, though it has no failed tests', () => {
    const report = { numTotalTests: 2, numPassedTests: 2, numFailedTests: 0, numFailedTestSuites: 1, success: false, testResults: [passingFile, loadFailure] };
    expect(countVitest(report)).toEqual({ passed: 2, failed: 1, brokenFiles: ['/w/broken.test.ts'] });
    const second = { ...loadFailure, name: '/w/broken2.test.ts' };
    const two = { ...report, numFailedTestSuites: 2, testResults: [passingFile, loadFailure, second] };
    expect(countVitest(two).failed).toBe(2);
  });

  it('does not count a file twice when its failure is already a failed test', () => {
    const failingTest = { name: '/w/b.test.ts', status: 'failed', assertionResults: [{ status: 'failed' }, { status: 'passed' }] };
    const report = { numTotalTests: 4, numPassedTests: 3, numFailedTests: 1, numFailedTestSuites: 1, success: false, testResults: [passingFile, failingTest] };
    expect(countVitest(report)).toEqual({ passed: 3, failed: 1, brokenFiles: [] });
  });

  it('passes a clean run', () => {
    const report = { numTotalTests: 2, numPassedTests: 2, numFailedTests: 0, numFailedTestSuites: 0, success: true, testResults: [passingFile] };
    expect(countVitest(report)).toEqual({ passed: 2, failed: 0, brokenFiles: [] });
  });

  it('fails a run with no report, with no tests, or that vitest itself marked failed', () => {
    expect(countVitest(undefined).failed).toBe(1);
    expect(countVitest({ numTotalTests: 0, numPassedTests: 0, numFailedTests: 0, success: true, testResults: [] }).failed).toBe(1);
    expect(countVitest({ numTotalTests: 2, numPassedTests: 2, numFailedTests: 0, success: false, testResults: [passingFile] }).failed).toBe(1);
  });

  it('uses numFailedTestSuites when the report lists no files', () => {
    expect(countVitest({ numTotalTests: 1, numPassedTests: 1, numFailedTests: 0, numFailedTestSuites: 2, success: false }).failed).toBe(2);
  });
});
