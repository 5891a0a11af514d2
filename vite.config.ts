import { configDefaults, defineConfig } from 'vitest/config';

const everything = ['runtime/**/*.test.ts', 'nodes/**/*.test.ts', 'models/**/*.test.ts', 'editor/**/*.test.ts', 'test/**/*.test.ts'];
/**
 * Tests that time the page itself (long tasks while the editor previews): they run last, on their own, so that what
 * they measure is the editor and not another test file crowding the two cores (a 908 ms stall, against 0 at rest).
 */
const atRest = ['test/browser/editor.test.ts'];

// The tests' config; the editor's build has its own (editor/server/vite.config.ts).
export default defineConfig({
  test: {
    // Media tests spawn ffmpeg and render real video: on 2 cores, more workers only contend.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'suite', include: everything, exclude: [...configDefaults.exclude, ...atRest], sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'at rest', include: atRest, sequence: { groupOrder: 1 } } },
    ],
  },
});
