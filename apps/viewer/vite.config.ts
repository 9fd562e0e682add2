import { defaultClientConditions, defineConfig, type Plugin } from 'vite';

/**
 * Inlines the entry script and the stylesheet into index.html, so the built viewer is one file that
 * also works opened from disk (file://), where Chromium refuses to load module scripts.
 */
function singleFile(): Plugin {
  return {
    name: 'quantproof-single-file',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const html = bundle['index.html'];
      if (html === undefined || html.type !== 'asset') return;
      let source = String(html.source);
      for (const [name, output] of Object.entries(bundle)) {
        if (output.type === 'chunk' && output.isEntry) {
          const code = output.code.replace(/<\/script/gi, '<\\/script');
          source = source.replace(
            new RegExp(`<script type="module" crossorigin src="\\./${name}"></script>`),
            () => `<script type="module">${code}</script>`,
          );
          delete bundle[name];
        } else if (output.type === 'asset' && name.endsWith('.css')) {
          source = source.replace(
            new RegExp(`<link rel="stylesheet" crossorigin href="\\./${name}">`),
            () => `<style>${String(output.source)}</style>`,
          );
          delete bundle[name];
        }
      }
      html.source = source;
    },
  };
}

// A static site of one self-contained file (it works from any folder, file server or file://),
// with workspace packages resolved to their TypeScript source (the `@quantproof/source` condition).
export default defineConfig({
  base: './',
  resolve: { conditions: ['@quantproof/source', ...defaultClientConditions] },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', modulePreload: false },
  plugins: [singleFile()],
});
