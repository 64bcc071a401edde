import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // Many tests measure real services under load: on a 2-core runner, test files running side by
    // side would measure each other. One file at a time keeps their timings meaningful.
    fileParallelism: false,
    coverage: { provider: 'v8', include: ['src/**'] },
  },
});
