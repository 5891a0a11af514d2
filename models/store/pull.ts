import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { UsageError, VivifyError } from '../../runtime/errors.ts';
import type { CatalogEntry, CatalogFile } from '../catalog.ts';
import { pullConvertedModel } from './converted-model.ts';
import { downloadExpectation, installedExpectation } from './expected-hash.ts';
import { sha256Bytes } from './file-hash.ts';
import { catalogFileProblems } from './file-problems.ts';
import { lockedFileOf, readLock, recordFile } from './lock-file.ts';
import { acquirePullGuard } from './pull-guard.ts';
import { removePullLeftovers } from './pull-leftovers.ts';
import { type PullEvents, type PulledFile, unpinnedNote } from './pull-progress.ts';
import { downloadModelFile } from './model-download.ts';
import { catalogModelWay } from './model-remedy.ts';
import { modelFilePath, modelFolder, partFilePath, storeOption } from './store-location.ts';

/**
 * Fetches every file of a model into the store. Each file downloads to `<file>.part` (resumed where an earlier pull
 * stopped), is checked (sha256 against the catalog or the lock, then its ONNX signature against the catalog) and
 * only then renamed to its name, so nothing half-written or wrong is ever opened. The first failure stops the pull
 * with one sentence; files already done stay, and the next pull skips them.
 */
export async function pullModel(storeDir: string, entry: CatalogEntry, events: PullEvents, signal?: AbortSignal): Promise<PulledFile[]> {
  const release = await acquirePullGuard(modelFolder(storeDir, entry.id), entry.id);
  let failed = false;
  try {
    // Published in another format: downloaded, then converted here (converted-model.ts).
    if (entry.convert) return [await pullConvertedModel(storeDir, entry, events, signal)];
    const results: PulledFile[] = [];
    for (const file of entry.files) results.push(await pullFile(storeDir, entry, file, events, signal));
    return results;
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    await release();
    if (failed) await removePullLeftovers(modelFolder(storeDir, entry.id));
  }
}

async function pullFile(storeDir: string, entry: CatalogEntry, file: CatalogFile, events: PullEvents, signal?: AbortSignal): Promise<PulledFile> {
  const finalPath = modelFilePath(storeDir, entry.id, file.name);
  const partPath = partFilePath(storeDir, entry.id, file.name);
  const locked = lockedFileOf(await readLock(storeDir), entry.id, file.name);

  const installed = await readIfFile(finalPath);
  if (installed) {
    const sha256 = sha256Bytes(installed);
    const expected = installedExpectation(file, locked);
    if (expected?.sha256 === sha256) {
      const result: PulledFile = { file: file.name, status: 'present', sha256, size: installed.byteLength, checkedAgainst: expected.against };
      events.fileDone(result);
      return result;
    }
    if (!expected && catalogFileProblems(file, installed).length === 0) {
      // Put there by hand: it has the right signature, so it is kept and recorded as an import in place.
      await recordFile(storeDir, entry.id, file.name, { sha256, size: installed.byteLength, url: null, source: 'imported', from: finalPath });
      const result: PulledFile = { file: file.name, status: 'present', sha256, size: installed.byteLength, checkedAgainst: 'recorded' };
      events.fileDone(result);
      return result;
    }
    events.note(`${file.name}: the installed file is damaged (sha256 ${sha256}${expected ? `, expected ${expected.sha256}` : ''}); downloading it again`);
    await rm(finalPath, { force: true });
  }

  const url = file.url;
  if (!url) {
    // Trained or imported on this machine: there is nowhere to download it from.
    throw new UsageError(`"${entry.id}" has no download URL for ${file.name}: ${catalogModelWay(entry, storeOption(storeDir)).advice}`);
  }
  await mkdir(modelFolder(storeDir, entry.id), { recursive: true });
  if (!downloadExpectation(file, locked)) events.note(unpinnedNote(file.name, url));
  await downloadModelFile(storeDir, entry, file, url, partPath, events, signal);

  const bytes = await readFile(partPath);
  const sha256 = sha256Bytes(bytes);
  const refuse = async (why: string) => {
    await rm(partPath, { force: true });
    return new VivifyError(`${file.name} from ${url} ${why}; the download was removed`);
  };
  const expected = downloadExpectation(file, locked);
  if (expected && expected.sha256 !== sha256) {
    const whose = expected.against === 'catalog' ? 'the catalog' : 'the lock, from its first download';
    throw await refuse(`is not the expected file: its sha256 should be ${expected.sha256} (${whose}), got ${sha256}`);
  }
  if (file.size && bytes.byteLength !== file.size) {
    throw await refuse(`is not the expected file: it should be ${file.size} bytes, got ${bytes.byteLength}`);
  }
  const problems = catalogFileProblems(file, bytes);
  if (problems.length > 0) throw await refuse(`is not the model the catalog describes (${problems.join('; ')})`);

  await rename(partPath, finalPath);
  await recordFile(storeDir, entry.id, file.name, { sha256, size: bytes.byteLength, url, source: 'downloaded' });
  const result: PulledFile = { file: file.name, status: 'downloaded', sha256, size: bytes.byteLength, checkedAgainst: expected?.against ?? 'recorded' };
  events.fileDone(result);
  return result;
}

async function readIfFile(path: string): Promise<Buffer | undefined> {
  try {
    if (!(await stat(path)).isFile()) return undefined;
    return await readFile(path);
  } catch {
    return undefined;
  }
}
