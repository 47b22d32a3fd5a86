// One build entry for the three bundles, picked by --mode:
//   renderer → dist/renderer (React page, also served by the headless server)
//   main     → dist/main (Electron entry and headless server entry, Node ESM)
//   preload  → dist/preload/preload.cjs (sandboxed preloads must be CommonJS)
// Native modules and all other dependencies stay external: electron-builder ships node_modules.
import { builtinModules } from 'node:module';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin, type UserConfig } from 'vite';

const nodeExternals = [/^node:/, ...builtinModules, 'electron'];

/** The dev server's HMR preamble is an inline script: the page's CSP meta applies to builds only. */
const cspForBuildsOnly: Plugin = {
  name: 'campaign-tray:csp-for-builds-only',
  apply: 'serve',
  transformIndexHtml: (html) => html.replace(/<meta\s+http-equiv="Content-Security-Policy"[\s\S]*?\/>/, ''),
};

export default defineConfig(({ mode }): UserConfig => {
  if (mode === 'main') {
    return {
      build: {
        ssr: true,
        target: 'node22',
        outDir: 'dist/main',
        emptyOutDir: true,
        sourcemap: true,
        rollupOptions: {
          input: { electron: 'main/shell/electron.ts', serve: 'main/server/serve.ts' },
          output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
          external: nodeExternals,
        },
      },
    };
  }
  if (mode === 'preload') {
    return {
      build: {
        ssr: true,
        target: 'node22',
        outDir: 'dist/preload',
        emptyOutDir: true,
        rollupOptions: {
          input: { preload: 'main/shell/preload.ts' },
          output: { format: 'cjs', entryFileNames: '[name].cjs', inlineDynamicImports: true },
          external: ['electron'],
        },
      },
      // The sandboxed preload can require only 'electron': bundle everything else into it.
      ssr: { noExternal: true },
    };
  }
  return {
    root: 'renderer',
    base: './',
    plugins: [react(), cspForBuildsOnly],
    build: { outDir: '../dist/renderer', emptyOutDir: true, target: 'es2022', sourcemap: true },
    server: { host: '127.0.0.1', strictPort: false },
  };
});
