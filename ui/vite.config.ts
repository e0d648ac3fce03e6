import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

// Fontsource lists a .woff fallback beside every .woff2 subset; every webview
// the shell runs in reads woff2, so the fallbacks would only double the bundle.
function woff2Only(): Plugin {
  return {
    name: 'qingdan:woff2-only',
    enforce: 'pre',
    transform(code, id) {
      if (!/@fontsource[\\/].+\.css$/.test(id)) return null;
      return { code: code.replace(/,\s*url\([^)]*\.woff\)\s*format\(['"]woff['"]\)/g, ''), map: null };
    },
  };
}

// The desktop shell loads `ui/dist` from disk under `default-src 'self'`, and
// in development it points its window at the dev server on 5173.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  // Beside the dependencies at the repository root (git-ignored), not in ui/.
  cacheDir: fileURLToPath(new URL('../node_modules/.vite', import.meta.url)),
  plugins: [vue(), woff2Only()],
  clearScreen: false,
  envPrefix: ['VITE_', 'TAURI_ENV_'],
  server: {
    port: 5173,
    strictPort: true,
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // WebKitGTK on Debian/UOS is the oldest engine we meet.
    target: ['es2021', 'safari14', 'chrome105'],
    // Inlined assets become data: URLs, which the CSP refuses; keep every font as a file.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1600,
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
