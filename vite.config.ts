import { defineConfig } from 'vitest/config';

// The tests' config; the editor's build has its own (editor/server/vite.config.ts).
export default defineConfig({
  test: {
    include: ['runtime/**/*.test.ts', 'nodes/**/*.test.ts', 'models/**/*.test.ts', 'editor/**/*.test.ts', 'test/**/*.test.ts'],
    // Media tests spawn ffmpeg and render real video: on 2 cores, more workers only contend.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
