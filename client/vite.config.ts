import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));
// The Parley server listens here in development; it also serves client/dist in production.
const backend = 'http://127.0.0.1:8080';

export default defineConfig({
  root,
  plugins: [react()],
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
