import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Component tests (test/renderer) are TSX with React's automatic runtime.
  esbuild: { jsx: 'automatic' },
  test: {
    include: ['test/**/*.test.ts', 'test/renderer/**/*.test.tsx'],
    exclude: ['test/electron/**', 'node_modules/**'],
    environment: 'node',
    // Native modules and child processes: one fork per file, two at a time on a two-core machine.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ['test/helpers/global-setup.ts'],
  },
});
