import { execFile } from 'node:child_process';
import { cp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** Files the compiled code opens by path (workers, trainer scripts): copied to the same place under dist/. */
const besideTheCode = [
  { folder: 'runtime/node/mediapipe', suffix: '.mjs' },
  { folder: 'models/train', suffix: '.py' },
];

/**
 * Compiles the CLI, runtime, nodes and models to JavaScript in `<root>/dist` afresh (tsc with tsconfig.build.json),
 * with the files they open by path beside them: what the npm package runs, and what the start-up benchmark times.
 */
export async function compileDist(root: string): Promise<void> {
  await rm(join(root, 'dist'), { recursive: true, force: true });
  await exec(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { cwd: root });
  for (const { folder, suffix } of besideTheCode) {
    for (const name of await readdir(join(root, folder))) {
      if (name.endsWith(suffix)) await cp(join(root, folder, name), join(root, 'dist', folder, name));
    }
  }
}
