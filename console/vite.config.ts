import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const consoleRoot = fileURLToPath(new URL('.', import.meta.url));

/**
 * The console is static files served by `keyfence serve` at /console/. Each page is its own chunk
 * (React.lazy in routes.tsx), so the first load carries only the shell, sign-in and antd's core; the
 * manifest lets a test hold that first load to its budget.
 */
export default defineConfig({
  root: consoleRoot,
  base: '/console/',
  plugins: [react()],
  // The browser validates drafts with the server's own parsers: one implementation, no copy.
  resolve: {
    alias: {
      '@keyfence/net': fileURLToPath(new URL('../src/net', import.meta.url)),
      '@keyfence/policy': fileURLToPath(new URL('../src/policy', import.meta.url)),
    },
  },
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    manifest: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: { '/console/api': 'http://127.0.0.1:8080' },
  },
});
