import { defineConfig } from 'vitest/config';

// One config for the editor build (added with the editor) and for vitest.
export default defineConfig({
  test: {
    include: ['runtime/**/*.test.ts', 'nodes/**/*.test.ts', 'models/**/*.test.ts', 'test/**/*.test.ts'],
    // Media tests spawn ffmpeg and render real video: on 2 cores, more workers only contend.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
