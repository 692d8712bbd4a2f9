import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/global.ts'],
    setupFiles: ['test/setup/confine.ts'],
    testTimeout: 30000,
    hookTimeout: 60000,
  },
});
