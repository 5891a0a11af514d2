import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Vivify's own folder (where its package.json is), found by walking up from here: the CLI runs from source (cli/) in
 * a checkout and compiled (dist/cli/) in an installed package, one level apart.
 */
export const packageRoot: string = (() => {
  let folder = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(folder, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'vivify') return folder;
    const parent = dirname(folder);
    if (parent === folder) throw new Error(`no package.json of vivify above ${fileURLToPath(import.meta.url)}`);
    folder = parent;
  }
})();

export const packageVersion: string = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
