import type { Command } from 'commander';
import { UsageError, VivifyError } from '../runtime/errors.ts';
import { isPinned, modelSize } from '../models/catalog.ts';
import { cycleganImportId, importCycleganCheckpoint } from '../models/convert/cyclegan-import.ts';
import { importPix2pixCheckpoint, pix2pixImportId } from '../models/convert/pix2pix-import.ts';
import { modelsFolder } from '../models/store/models-folder.ts';
import { formatBytes } from '../models/store/byte-size.ts';
import {
  catalogModelWay,
  findModel,
  importModel,
  loadCatalog,
  modelFolder,
  modelState,
  pullModel,
  pullReporter,
  removeModel,
  resolveModelsDir,
  verifyModel,
  type FileCheck,
} from '../models/store/index.ts';

/** `vivify models ...`: the model store. The group's `--models-dir` reaches each subcommand through its parent. */

interface GroupOptions {
  modelsDir?: string;
}

function storeOf(command: Command): { dir: string; origin: string } {
  const { modelsDir } = command.optsWithGlobals<GroupOptions>();
  if (modelsDir !== undefined) return { dir: resolveModelsDir(modelsDir), origin: '--models-dir' };
  return { dir: resolveModelsDir(), origin: modelsFolder().origin };
}

const out = (text: string) => process.stdout.write(`${text}\n`);

export async function modelsListCommand(options: { json?: boolean }, command: Command): Promise<void> {
  const store = storeOf(command);
  const catalog = loadCatalog(store.dir);
  const rows = [];
  for (const entry of catalog.models) {
    const state = await modelState(store.dir, entry);
    rows.push({ entry, state, size: modelSize(entry) });
  }
  if (options.json) {
    const models = rows.map(({ entry, state, size }) => ({
      id: entry.id,
      title: entry.title,
      task: entry.task,
      licence: entry.licence,
      homepage: entry.homepage,
      size: size ?? null,
      state: state.state,
      pinned: isPinned(entry),
      files: state.files.map((file) => ({ name: file.name, state: file.state, bytes: file.bytes ?? null })),
    }));
    out(JSON.stringify({ store: store.dir, models }, null, 2));
    return;
  }
  out(`Model store: ${store.dir} (${store.origin})`);
  if (rows.length === 0) out('The catalog has no models.');
  const cells = rows.map(({ entry, state, size }) => {
    const installed = state.files.filter((file) => file.state === 'installed').length;
    const stateText = state.state === 'partial' ? `partial (${installed} of ${state.files.length} files)` : state.state;
    const files = `${entry.files.length} file${entry.files.length === 1 ? '' : 's'}`;
    // Unpinned: the catalog has no published hash for a download (the lock pins the first one's bytes).
    const pinning = isPinned(entry) ? 'pinned' : 'unpinned';
    return [entry.id, stateText, entry.task, entry.licence, `${files}, ${size === undefined ? 'size unknown' : formatBytes(size)}`, pinning, entry.title];
  });
  const widths = cells.reduce<number[]>((max, row) => row.map((cell, i) => Math.max(max[i] ?? 0, cell.length)), []);
  for (const row of cells) out(row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '));
}

export async function modelsPullCommand(id: string, options: { json?: boolean }, command: Command): Promise<void> {
  const store = storeOf(command);
  const entry = findModel(id, loadCatalog(store.dir));
  await pullModel(store.dir, entry, pullReporter({ json: options.json }));
  const folder = modelFolder(store.dir, entry.id);
  if (options.json) out(JSON.stringify({ type: 'done', model: entry.id, path: folder }));
  else out(`"${entry.id}" is installed in ${folder}`);
}

export async function modelsImportCommand(
  id: string,
  sources: string[],
  options: { name?: string; licence?: string; force?: boolean; normStatistics?: 'picture' | 'running' },
  command: Command,
): Promise<void> {
  const store = storeOf(command);
  if (id === cycleganImportId) {
    // Not a catalog id: a CycleGAN checkpoint to convert and register under a name of the user's.
    const { entry, report } = await importCycleganCheckpoint(store.dir, sources, options);
    const [file] = entry.files;
    out(`${file?.name ?? 'generator.onnx'}: ${report.summary}`);
    if (file) out(`${file.name}: registered, ${formatBytes(file.size ?? 0)}, sha256 ${file.sha256 ?? ''}`);
    out(`"${entry.id}" is installed in ${modelFolder(store.dir, entry.id)}`);
    return;
  }
  if (id === pix2pixImportId) {
    const { entry, summary } = await importPix2pixCheckpoint(store.dir, sources, options);
    out(`pix2pix.onnx: ${summary}`);
    for (const file of entry.files) out(`${file.name}: registered, ${formatBytes(file.size ?? 0)}, sha256 ${file.sha256 ?? ''}`);
    out(`"${entry.id}" is installed in ${modelFolder(store.dir, entry.id)}`);
    return;
  }
  for (const [option, value] of [
    ['--name', options.name],
    ['--licence', options.licence],
  ] as const) {
    if (value !== undefined) throw new UsageError(`${option} is for vivify models import ${cycleganImportId} or ${pix2pixImportId} <checkpoint>; "${id}" is a catalog model, with its own`);
  }
  const entry = findModel(id, loadCatalog(store.dir));
  const result = await importModel(store.dir, entry, sources, { force: options.force });
  for (const file of result.imported) {
    if (file.conversion) out(`${file.file}: ${file.conversion}`);
    out(`${file.file}: ${file.conversion ? 'converted' : 'imported'} from ${file.from}, ${formatBytes(file.size)}, sha256 ${file.sha256}`);
  }
  for (const note of result.notes) process.stderr.write(`note: ${note}\n`);
  if (result.problems.length > 0) {
    const count = result.problems.length === 1 ? '1 problem' : `${result.problems.length} problems`;
    throw new UsageError(`imported ${result.imported.length} of the files of "${entry.id}", refused others: ${count}:\n${result.problems.map((line) => `  ${line}`).join('\n')}`);
  }
  if (result.stillMissing.length > 0) {
    process.stderr.write(`"${entry.id}" is not complete yet: it still lacks ${result.stillMissing.join(', ')}\n`);
  } else {
    out(`"${entry.id}" is installed in ${modelFolder(store.dir, entry.id)}`);
  }
}

export async function modelsVerifyCommand(id: string | undefined, options: { json?: boolean }, command: Command): Promise<void> {
  const store = storeOf(command);
  const catalog = loadCatalog(store.dir);
  const entries = id !== undefined ? [findModel(id, catalog)] : [];
  if (id === undefined) {
    // Without an id: every model the store holds something of.
    for (const entry of catalog.models) if ((await modelState(store.dir, entry)).state !== 'missing') entries.push(entry);
  }
  const results: { id: string; files: FileCheck[] }[] = [];
  for (const entry of entries) results.push({ id: entry.id, files: await verifyModel(store.dir, entry) });
  const bad = results.flatMap((result) => result.files.filter((file) => file.status !== 'ok').map((file) => `${result.id}/${file.file}`));
  if (options.json) {
    out(JSON.stringify({ ok: bad.length === 0, store: store.dir, models: results }, null, 2));
  } else if (results.length === 0) {
    out(`Nothing to verify: the model store (${store.dir}) holds no models.`);
  } else {
    const width = Math.max(...results.flatMap((result) => result.files.map((file) => `${result.id}/${file.file}`.length)));
    for (const result of results) {
      for (const file of result.files) out(`${file.status.padEnd(10)} ${`${result.id}/${file.file}`.padEnd(width)}  ${file.detail}`);
    }
  }
  if (bad.length > 0) throw new VivifyError(`verify found ${bad.length === 1 ? '1 file' : `${bad.length} files`} not as recorded: ${bad.join(', ')}`);
}

export async function modelsPathCommand(id: string, _options: object, command: Command): Promise<void> {
  const store = storeOf(command);
  const entry = findModel(id, loadCatalog(store.dir));
  const state = await modelState(store.dir, entry);
  if (state.state !== 'installed') {
    const absent = state.files.filter((file) => file.state !== 'installed').map((file) => file.name);
    const lacks = state.state === 'missing' ? 'is not installed' : `is not complete (it lacks ${absent.join(', ')})`;
    // A model made on this machine has nothing to pull: the store's own advice names what makes it.
    const way = catalogModelWay(entry, '');
    throw new VivifyError(`"${entry.id}" ${lacks} in the model store (${store.dir}); ${way.remedy === 'pull' ? `vivify models pull ${entry.id} fetches it` : way.advice}`);
  }
  out(modelFolder(store.dir, entry.id));
}

export async function modelsRemoveCommand(id: string, _options: object, command: Command): Promise<void> {
  const store = storeOf(command);
  if (await removeModel(store.dir, id)) out(`Removed "${id}" from ${store.dir}`);
  else out(`"${id}" is not in the model store (${store.dir}); nothing to remove`);
}
