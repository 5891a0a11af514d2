import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { UsageError, messageOf } from '../../runtime/errors.ts';
import type { CatalogEntry } from '../catalog.ts';
import { holdsConvertedFile, importConvertedModel } from './converted-model.ts';
import { sha256Bytes } from './file-hash.ts';
import { catalogFileProblems } from './file-problems.ts';
import { recordFile } from './lock-file.ts';
import { modelState } from './model-state.ts';
import type { ImportedFile, ImportResult } from './import-result.ts';
import { modelFilePath, modelFolder, partFilePath } from './store-location.ts';

/**
 * Copies a model's files from folders or files the user already has (downloaded by hand, a mirror, another tool's
 * cache) into the store. Each catalog file is picked by its name; each is checked against the catalog's signature
 * (input and output names, shapes, element types) and refused with a line per mismatch. Accepted files go in through
 * a temporary file and a rename, and the lock records their hash as imported. Where nothing is accepted, nothing is
 * copied and a UsageError lists every problem.
 */
export async function importModel(storeDir: string, entry: CatalogEntry, sources: string[], options: { force?: boolean } = {}): Promise<ImportResult> {
  // Published in another format: the checkpoint at hand is converted (converted-model.ts), unless the converted file
  // itself is given.
  if (entry.convert && !(await holdsConvertedFile(entry, sources))) return importConvertedModel(storeDir, entry, sources);
  const names = entry.files.map((file) => file.name);
  const picked = new Map<string, string>();
  const problems: string[] = [];
  for (const source of sources) {
    const path = resolve(source);
    const kind = await stat(path).then(
      (info) => (info.isDirectory() ? 'folder' : 'file'),
      () => undefined,
    );
    if (!kind) {
      problems.push(`${source}: no such file or folder`);
    } else if (kind === 'folder') {
      const present = new Set(await readdir(path));
      // Other files there (another tool's models) are left alone; files not found are listed below where it matters.
      for (const name of names) if (present.has(name) && !picked.has(name)) picked.set(name, join(path, name));
    } else if (names.includes(basename(path))) {
      if (!picked.has(basename(path))) picked.set(basename(path), path);
    } else {
      problems.push(`${source}: not a file of "${entry.id}" (its files are ${names.join(', ')})`);
    }
  }

  // Each accepted file is written to a temporary name as soon as it is checked (one file in memory at a time) and
  // renamed into place at the end; where none is accepted, nothing was written.
  const accepted: (ImportedFile & { temporary: string })[] = [];
  const notes: string[] = [];
  const folder = modelFolder(storeDir, entry.id);
  try {
    for (const file of entry.files) {
      const from = picked.get(file.name);
      if (!from) continue;
      let bytes: Uint8Array;
      try {
        bytes = await readFile(from);
      } catch (error) {
        problems.push(`${file.name}: cannot read ${from}: ${messageOf(error)}`);
        continue;
      }
      const mismatches = catalogFileProblems(file, bytes);
      if (mismatches.length > 0) {
        problems.push(...mismatches);
        continue;
      }
      const sha256 = sha256Bytes(bytes);
      // A right signature says nothing of the weights: where the catalog pins the published file, only it goes in.
      if (file.sha256 && file.sha256 !== sha256) {
        if (!options.force) {
          problems.push(`${file.name}: its sha256 ${sha256} is not the published file's (${file.sha256}): damaged, or another export of the model; pass --force to import it all the same`);
          continue;
        }
        notes.push(`${file.name}: its sha256 ${sha256} differs from the catalog's ${file.sha256}; imported all the same (--force)`);
      } else if (!file.sha256) {
        notes.push(`${file.name}: unpinned: the catalog has no published sha256 to check its weights against; the lock records its sha256, so verify catches any later change`);
      }
      // A temporary name of its own (never .part, which belongs to a pull).
      const temporary = join(folder, `.${file.name}.${randomBytes(4).toString('hex')}.importing`);
      await mkdir(folder, { recursive: true });
      accepted.push({ file: file.name, sha256, size: bytes.byteLength, from, temporary });
      await writeFile(temporary, bytes);
    }

    const state = await modelState(storeDir, entry);
    const installed = new Set(state.files.filter((file) => file.state === 'installed').map((file) => file.name));
    const stillMissing = names.filter((name) => !picked.has(name) && !installed.has(name));
    if (accepted.length === 0) {
      const lines = [...problems, ...stillMissing.map((name) => `${name}: not found in ${sources.join(', ')}`)];
      const count = lines.length === 1 ? '1 problem' : `${lines.length} problems`;
      throw new UsageError(`nothing imported for "${entry.id}": ${count}:\n${lines.map((line) => `  ${line}`).join('\n')}`);
    }

    const imported: ImportedFile[] = [];
    for (const { temporary, ...file } of accepted) {
      await rename(temporary, modelFilePath(storeDir, entry.id, file.file));
      // An unfinished download of this file is of no use any more.
      await rm(partFilePath(storeDir, entry.id, file.file), { force: true });
      await recordFile(storeDir, entry.id, file.file, { sha256: file.sha256, size: file.size, url: null, source: 'imported', from: file.from });
      imported.push(file);
    }
    return { imported, stillMissing, problems, notes };
  } finally {
    // Renamed ones are gone already; these are what a failure left.
    await Promise.all(accepted.map((file) => rm(file.temporary, { force: true })));
  }
}
