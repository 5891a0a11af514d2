import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Vivify's own folder (where its package.json is) and version, found by walking up from here, reading the manifest
 * once: the CLI runs from source (cli/) in a checkout and compiled (dist/cli/) in an installed package, a level apart.
 */
const found = ((): { folder: string; version: string } => {
  let folder = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(folder, 'package.json');
    if (existsSync(manifest)) {
      const { name, version } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version: string };
      if (name === 'vivify') return { folder, version };
    }
    const parent = dirname(folder);
    if (parent === folder) throw new Error(`no package.json of vivify above ${fileURLToPath(import.meta.url)}`);
    folder = parent;
  }
})();

export const packageRoot: string = found.folder;
export const packageVersion: string = found.version;
