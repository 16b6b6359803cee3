/** File name of the marker a test build of the client writes into dist/ (see vite.config.ts). */
export const TEST_HOOKS_MARKER = 'parley-test-build.json';
