import { stat } from 'node:fs/promises';
import type { CatalogEntry } from '../catalog.ts';
import { formatBytes } from './byte-size.ts';
import { installedExpectation } from './expected-hash.ts';
import { sha256File } from './file-hash.ts';
import { lockedFileOf, readLock } from './lock-file.ts';
import { catalogModelWay } from './model-remedy.ts';
import { modelFilePath, partFilePath, storeOption } from './store-location.ts';

export interface FileCheck {
  file: string;
  /** ok: the hash matches; damaged: it does not; missing: not installed; partial: a download is under way;
   *  unrecorded: installed, but neither the catalog nor the lock has a hash to check it against. */
  status: 'ok' | 'damaged' | 'missing' | 'partial' | 'unrecorded';
  sha256?: string;
  expected?: string;
  detail: string;
}

/** Hashes every installed file of a model again and compares each with the catalog's or the lock's hash. */
export async function verifyModel(storeDir: string, entry: CatalogEntry): Promise<FileCheck[]> {
  const lock = await readLock(storeDir);
  const option = storeOption(storeDir);
  const checks: FileCheck[] = [];
  for (const file of entry.files) {
    const path = modelFilePath(storeDir, entry.id, file.name);
    if (!(await isFile(path))) {
      const part = await stat(partFilePath(storeDir, entry.id, file.name)).catch(() => undefined);
      checks.push(
        part
          ? { file: file.name, status: 'partial', detail: `downloading (${formatBytes(part.size)} so far): vivify models pull ${entry.id}${option} finishes it` }
          : {
              file: file.name,
              status: 'missing',
              detail: file.url ? `not installed: vivify models pull ${entry.id}${option} fetches it` : `not installed, and ${catalogModelWay(entry, option).advice}`,
            },
      );
      continue;
    }
    const locked = lockedFileOf(lock, entry.id, file.name);
    const expected = installedExpectation(file, locked, entry.convert !== undefined);
    const sha256 = await sha256File(path);
    const origin =
      locked?.source === 'imported'
        ? `imported from ${locked.from ?? 'a file'}`
        : locked?.source === 'converted'
          ? `converted from ${locked.url ?? locked.from ?? 'a checkpoint'}`
          : locked?.url
            ? `downloaded from ${locked.url}`
            : 'downloaded';
    if (!expected) {
      checks.push({
        file: file.name,
        status: 'unrecorded',
        sha256,
        detail: `sha256 ${sha256}, but neither the catalog nor the lock has a hash to check it against: vivify models import ${entry.id} <folder>${option} records one`,
      });
    } else if (expected.sha256 === sha256) {
      // The lock only says the file has not changed since it came; where nothing published pins it, say so.
      const unpinned = expected.against === 'lock' && !file.sha256 ? '; unpinned: no published sha256 to check its weights against' : '';
      checks.push({ file: file.name, status: 'ok', sha256, detail: `sha256 ${sha256} matches the ${expected.against} (${origin})${unpinned}` });
    } else {
      const again = locked?.source === 'imported' || !file.url ? `import it again` : `vivify models pull ${entry.id}${option} fetches it again`;
      checks.push({
        file: file.name,
        status: 'damaged',
        sha256,
        expected: expected.sha256,
        detail: `sha256 is ${sha256}, but the ${expected.against} says ${expected.sha256}: the file changed since it was ${locked?.source ?? 'installed'}; ${again}`,
      });
    }
  }
  return checks;
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isFile(),
    () => false,
  );
}
