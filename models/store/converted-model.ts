import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { UsageError, VivifyError } from '../../runtime/errors.ts';
import type { CatalogEntry, CatalogFile, ModelConverterKind } from '../catalog.ts';
import { convertCheckpoint, modelConverters, requireConverter } from '../convert/model-converters.ts';
import type { ExpectedHash } from './expected-hash.ts';
import { sha256Bytes, sha256File } from './file-hash.ts';
import { catalogFileProblems } from './file-problems.ts';
import type { ImportResult } from './import-result.ts';
import { lockedFileOf, readLock, recordFile, type LockedFile } from './lock-file.ts';
import { downloadModelFile } from './model-download.ts';
import { type PullEvents, type PulledFile, unpinnedNote } from './pull-progress.ts';
import { modelFilePath, modelFolder, partFilePath } from './store-location.ts';

/**
 * Models the catalog marks `convert`: their one file is made here from a checkpoint published in another format (a
 * CycleGAN .pth). The file's url, size and sha256 in the catalog are the checkpoint's. A pull downloads the checkpoint
 * into `<file>.part` (resumable as any download), checks its hash, converts it with PyTorch, checks the ONNX file
 * with onnxruntime and against the catalog's signature, and installs it; the checkpoint is then deleted. The lock
 * records the ONNX file's hash (what verify checks) and the checkpoint's as `sourceSha256` (what later pulls must
 * download again). An import does the same with a checkpoint at hand.
 */

/** What a downloaded checkpoint must hash to: the catalog's, else the one the first verified pull recorded. */
function checkpointExpectation(file: CatalogFile, locked: LockedFile | undefined): ExpectedHash | undefined {
  if (file.sha256) return { sha256: file.sha256, against: 'catalog' };
  // An imported checkpoint's hash pins nothing: the published one may be another file.
  if (locked?.source === 'converted' && locked.url && locked.sourceSha256) return { sha256: locked.sourceSha256, against: 'lock' };
  return undefined;
}

function onlyFile(entry: CatalogEntry): { kind: ModelConverterKind; file: CatalogFile } {
  const file = entry.files[0];
  if (!entry.convert || !file || entry.files.length !== 1) throw new VivifyError(`"${entry.id}" is not a model converted from one checkpoint`);
  return { kind: entry.convert, file };
}

export async function pullConvertedModel(storeDir: string, entry: CatalogEntry, events: PullEvents, signal?: AbortSignal): Promise<PulledFile> {
  const { kind, file } = onlyFile(entry);
  const finalPath = modelFilePath(storeDir, entry.id, file.name);
  const partPath = partFilePath(storeDir, entry.id, file.name);
  const locked = lockedFileOf(await readLock(storeDir), entry.id, file.name);

  if (await isFile(finalPath)) {
    const sha256 = await sha256File(finalPath);
    const size = (await stat(finalPath)).size;
    if (locked && locked.source !== 'downloaded' && locked.sha256 === sha256) {
      const result: PulledFile = { file: file.name, status: 'present', sha256, size, checkedAgainst: 'lock' };
      events.fileDone(result);
      return result;
    }
    if (!locked && catalogFileProblems(file, await readFile(finalPath)).length === 0) {
      // Put there by hand: it has the right signature, so it is kept and recorded as an import in place.
      await recordFile(storeDir, entry.id, file.name, { sha256, size, url: null, source: 'imported', from: finalPath });
      const result: PulledFile = { file: file.name, status: 'present', sha256, size, checkedAgainst: 'recorded' };
      events.fileDone(result);
      return result;
    }
    events.note(`${file.name}: the installed file is damaged (sha256 ${sha256}${locked ? `, expected ${locked.sha256}` : ''}); downloading and converting it again`);
    await rm(finalPath, { force: true });
  }

  const url = file.url;
  if (!url) throw new VivifyError(`"${entry.id}" names no checkpoint to download`);
  // No download without the means to convert it: PyTorch missing is one sentence, before any byte.
  await requireConverter(kind);
  await mkdir(modelFolder(storeDir, entry.id), { recursive: true });
  if (!checkpointExpectation(file, locked)) events.note(unpinnedNote(file.name, url));
  await downloadModelFile(storeDir, entry, file, url, partPath, events, signal);

  const sourceSha256 = await sha256File(partPath);
  const sourceSize = (await stat(partPath)).size;
  const refuse = async (why: string) => {
    await rm(partPath, { force: true });
    return new VivifyError(`could not install "${entry.id}" from ${url}: ${why}; the download was removed`);
  };
  const expected = checkpointExpectation(file, locked);
  if (expected && expected.sha256 !== sourceSha256) {
    const whose = expected.against === 'catalog' ? 'the catalog' : 'the lock, from its first download';
    throw await refuse(`the checkpoint is not the expected file: its sha256 should be ${expected.sha256} (${whose}), got ${sourceSha256}`);
  }
  if (file.size && sourceSize !== file.size) throw await refuse(`the checkpoint is not the expected file: it should be ${file.size} bytes, got ${sourceSize}`);

  const installed = await convertInto(storeDir, entry, kind, file, partPath, (why) => refuse(why));
  await rm(partPath, { force: true });
  await recordFile(storeDir, entry.id, file.name, { sha256: installed.sha256, size: installed.size, url, source: 'converted', sourceSha256 });
  const result: PulledFile = {
    file: file.name,
    status: 'converted',
    sha256: installed.sha256,
    size: installed.size,
    checkedAgainst: expected?.against ?? 'recorded',
    conversion: installed.summary,
  };
  events.fileDone(result);
  return result;
}

/**
 * Whether `sources` hold the converted file itself (a file named as the catalog's, or a folder with it, converted
 * elsewhere): then it is imported as any model's file is, checked against the catalog's signature.
 */
export async function holdsConvertedFile(entry: CatalogEntry, sources: string[]): Promise<boolean> {
  const name = entry.files[0]?.name;
  if (!name) return false;
  for (const source of sources) {
    const path = resolve(source);
    const info = await stat(path).catch(() => undefined);
    if (info?.isFile() && basename(path) === name) return true;
    if (info?.isDirectory() && (await isFile(join(path, name)))) return true;
  }
  return false;
}

/**
 * `vivify models import <id> <checkpoint>` for a converted model: the checkpoint given as a file, or found by its
 * published name (the URL's last part) in a folder; converted and installed as a pull would.
 */
export async function importConvertedModel(storeDir: string, entry: CatalogEntry, sources: string[]): Promise<ImportResult> {
  const { kind, file } = onlyFile(entry);
  const published = file.url ? decodeURIComponent(basename(new URL(file.url).pathname)) : undefined;
  const candidates: string[] = [];
  const problems: string[] = [];
  for (const source of sources) {
    const path = resolve(source);
    const info = await stat(path).catch(() => undefined);
    if (!info) problems.push(`${source}: no such file or folder`);
    else if (info.isFile()) candidates.push(path);
    else if (published && (await readdir(path)).includes(published)) candidates.push(join(path, published));
    else problems.push(`${source}: a folder without ${published ?? 'the checkpoint'}`);
  }
  const what = modelConverters[kind].source;
  if (candidates.length !== 1) {
    const why = candidates.length > 1 ? `${candidates.length} checkpoints were given, and it is made from one` : problems.join('; ') || 'no checkpoint was given';
    throw new UsageError(`"${entry.id}" is converted from ${what}${published ? `, published as ${published}` : ''}: ${why}`);
  }
  const checkpoint = candidates[0]!;
  await requireConverter(kind);
  const sourceSha256 = await sha256File(checkpoint);
  const notes: string[] = [];
  if (file.sha256 && file.sha256 !== sourceSha256) {
    notes.push(`${basename(checkpoint)}: its sha256 ${sourceSha256} differs from the published checkpoint's ${file.sha256} (another training?); converted all the same`);
  }
  const installed = await convertInto(storeDir, entry, kind, file, checkpoint, async (why) => new UsageError(`${why}; nothing was installed`));
  await rm(partFilePath(storeDir, entry.id, file.name), { force: true });
  await recordFile(storeDir, entry.id, file.name, { sha256: installed.sha256, size: installed.size, url: null, source: 'converted', from: checkpoint, sourceSha256 });
  return {
    imported: [{ file: file.name, sha256: installed.sha256, size: installed.size, from: checkpoint, conversion: installed.summary }],
    stillMissing: [],
    problems: [],
    notes,
  };
}

/** Converts `checkpoint` to a temporary file beside the model's, checks its signature and renames it into place. */
async function convertInto(
  storeDir: string,
  entry: CatalogEntry,
  kind: ModelConverterKind,
  file: CatalogFile,
  checkpoint: string,
  refuse: (why: string) => Promise<Error>,
): Promise<{ sha256: string; size: number; summary: string }> {
  const folder = modelFolder(storeDir, entry.id);
  await mkdir(folder, { recursive: true });
  const temporary = join(folder, `.${file.name}.${randomBytes(4).toString('hex')}.converting`);
  try {
    let summary: string;
    try {
      summary = (await convertCheckpoint(kind, checkpoint, temporary)).summary;
    } catch (error) {
      // A checkpoint of the wrong kind is no use to keep; anything else (a failed export) leaves it for another try.
      if (error instanceof UsageError) throw await refuse(error.message);
      throw error;
    }
    const bytes = await readFile(temporary);
    const problems = catalogFileProblems(file, bytes);
    if (problems.length > 0) throw await refuse(`the converted ${file.name} is not what the catalog describes (${problems.join('; ')})`);
    await rename(temporary, modelFilePath(storeDir, entry.id, file.name));
    return { sha256: sha256Bytes(bytes), size: bytes.byteLength, summary };
  } finally {
    await rm(temporary, { force: true });
  }
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isFile(),
    () => false,
  );
}
