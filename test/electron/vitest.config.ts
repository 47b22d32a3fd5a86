// The Electron end-to-end suite, kept out of the default run (it needs the Electron binary and a
// display). Run with `npm run test:electron` (builds first); CI runs it under xvfb-run.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/electron/**/*.e2e.test.ts'],
    environment: 'node',
    // One app at a time: every test file launches a real Electron process.
    pool: 'forks',
    poolOptions: { forks: { singleFork: true } },
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    globalSetup: ['test/helpers/global-setup.ts'],
  },
});
