/**
 * Builds what the npm package ships (`npm pack` runs it first, as "prepack"): the CLI, runtime, nodes and models
 * compiled to JavaScript in dist/, the files they open by path beside them, and the editor's static build in
 * editor/dist/. An installed Vivify then needs neither tsx nor vite.
 *
 *   npx tsx tools/build-package.ts
 */
import { execFile } from 'node:child_process';
import { cp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));

/** Files the compiled code opens by path (workers, trainer scripts): copied to the same place under dist/. */
const besideTheCode = [
  { folder: 'runtime/node/mediapipe', suffix: '.mjs' },
  { folder: 'models/train', suffix: '.py' },
];

await rm(join(root, 'dist'), { recursive: true, force: true });
await exec(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { cwd: root });
for (const { folder, suffix } of besideTheCode) {
  for (const name of await readdir(join(root, folder))) {
    if (name.endsWith(suffix)) await cp(join(root, folder, name), join(root, 'dist', folder, name));
  }
}
const { buildEditor } = await import('../cli/editor-command.ts');
await buildEditor();
process.stdout.write('built dist/ and editor/dist/\n');
