import { defaultClientConditions, defineConfig } from 'vite';

// A static site: relative asset paths (it works from any folder or file server), and workspace
// packages resolved to their TypeScript source (the `@quantproof/source` export condition).
export default defineConfig({
  base: './',
  resolve: { conditions: ['@quantproof/source', ...defaultClientConditions] },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
});
