import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { TEST_HOOKS_MARKER } from './test-hooks-marker.ts';

const root = fileURLToPath(new URL('.', import.meta.url));
// The Parley server listens here in development; it also serves client/dist in production.
const backend = 'http://127.0.0.1:8080';
// Test builds (PARLEY_TEST_HOOKS=1, set by `npm test` and the e2e setup) carry window.__parleyDebug,
// which can send any request as the person and read their media stats; production builds must not.
const testHooks = process.env.PARLEY_TEST_HOOKS === '1';

export default defineConfig({
  root,
  plugins: [
    react(),
    {
      // A marker the e2e setup looks for, so that it never runs against a production build.
      name: 'parley-test-hooks-marker',
      generateBundle() {
        if (testHooks) this.emitFile({ type: 'asset', fileName: TEST_HOOKS_MARKER, source: '{"testHooks":true}\n' });
      },
    },
  ],
  define: { __PARLEY_TEST_HOOKS__: JSON.stringify(testHooks) },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: {
      '/api': { target: backend, changeOrigin: false },
      // Signalling runs over a WebSocket only (the client sets transports: ['websocket']).
      '/socket.io': { target: backend, ws: true, changeOrigin: false },
      // Agreement draft (y-websocket protocol).
      '/yjs': { target: backend, ws: true, changeOrigin: false },
    },
  },
});
