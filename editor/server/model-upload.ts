import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { UsageError } from '../../runtime/errors.ts';
import { catalogEntry, isModelFileName, isModelId } from '../../models/catalog.ts';
import { importCycleganCheckpoint } from '../../models/convert/cyclegan-import.ts';
import { importPix2pixCheckpoint, pix2pixImportId } from '../../models/convert/pix2pix-import.ts';
import { formatBytes } from '../../models/store/byte-size.ts';
import { findModelProblem, importModel, loadCatalog, modelFolder } from '../../models/store/index.ts';

/**
 * A model file the editor's page posts (dropped on the node that needs it), installed by the same store functions
 * as `vivify models import`, with the same checks and the same sentences: an .onnx file of a catalog model by its
 * file name (signature, published hash), a CycleGAN checkpoint converted with PyTorch on this machine, for a catalog
 * style as `vivify models import cyclegan-vangogh <checkpoint>` does, for any other id as
 * `vivify models import cyclegan <checkpoint> --name <id>` does, and a pix2pix U-Net checkpoint for a pix2pix-face
 * node as `vivify models import pix2pix <checkpoint> --name <id>` does.
 */

/** Node's readFile, which the import checks with, reads at most 2 GiB; a model file is far smaller. */
export const uploadLimit = 2 ** 31 - 1;

export interface ModelUpload {
  /** The id of the model the node needs, and what for (the catalog's task). */
  model: string;
  task?: string;
  /** The file's own name: imports pick files by it. */
  fileName: string;
  /** Bytes announced (Content-Length), where known. */
  size?: number;
  body: Readable;
}

/** Installs the upload; resolves to the lines `vivify models import` prints, else throws its UsageError. */
export async function importUploadedModel(storeDir: string, upload: ModelUpload): Promise<string[]> {
  const { model, task, fileName } = upload;
  if (!isModelId(model)) throw new UsageError(`"${model}" is not a model id (lowercase letters, digits, ".", "_" or "-")`);
  if (!isModelFileName(fileName)) throw new UsageError(`"${fileName}" cannot be a model file's name: letters, digits, ".", "_" or "-" only, as the catalog names them`);
  if (upload.size !== undefined && upload.size > uploadLimit) throw new UsageError(`${fileName}: ${formatBytes(upload.size)} is more than a model file may be (${formatBytes(uploadLimit)})`);
  const catalog = loadCatalog(storeDir);
  const entry = catalogEntry(model, catalog);
  const checkpoint = !entry && !fileName.toLowerCase().endsWith('.onnx');
  const convertStyle = checkpoint && task === 'style';
  const convertPix2pix = checkpoint && task === 'pix2pix';
  if (!entry && !convertStyle && !convertPix2pix) {
    // Nothing to check the file against: the answer is how such a model is made, as a render says.
    const problem = await findModelProblem(storeDir, model, task);
    throw new UsageError(`${fileName} cannot be imported: ${problem?.message ?? `"${model}" is already installed`}`);
  }

  const work = await mkdtemp(join(tmpdir(), 'vivify-upload-'));
  try {
    // Under its own name in a folder of its own: imports pick a model's files by name.
    const path = join(work, fileName);
    await pipeline(upload.body, limited(uploadLimit, fileName), createWriteStream(path));
    if (convertStyle) {
      const { entry: made, report } = await importCycleganCheckpoint(storeDir, [path], { name: model });
      const [file] = made.files;
      return [
        `${file?.name ?? 'generator.onnx'}: ${report.summary}`,
        ...(file ? [`${file.name}: registered, ${formatBytes(file.size ?? 0)}, sha256 ${file.sha256 ?? ''}`] : []),
        `"${made.id}" is installed in ${modelFolder(storeDir, made.id)}`,
      ];
    }
    if (convertPix2pix) {
      // The node's default "pix2pix" stands for the newest pix2pix-* model: the checkpoint gets an id of that family.
      const { entry: made, summary } = await importPix2pixCheckpoint(storeDir, [path], { name: model === pix2pixImportId ? undefined : model });
      return [summary, `"${made.id}" is installed in ${modelFolder(storeDir, made.id)}`];
    }
    const result = await importModel(storeDir, entry!, [path]);
    if (result.problems.length > 0) {
      const count = result.problems.length === 1 ? '1 problem' : `${result.problems.length} problems`;
      throw new UsageError(`imported ${result.imported.length} of the files of "${model}", refused others: ${count}:\n${result.problems.map((line) => `  ${line}`).join('\n')}`);
    }
    return [
      ...result.imported.flatMap((file) => [
        ...(file.conversion ? [`${file.file}: ${file.conversion}`] : []),
        `${file.file}: ${file.conversion ? 'converted' : 'imported'} from ${fileName}, ${formatBytes(file.size)}, sha256 ${file.sha256}`,
      ]),
      ...result.notes.map((note) => `note: ${note}`),
      result.stillMissing.length > 0
        ? `"${model}" is not complete yet: it still lacks ${result.stillMissing.join(', ')}`
        : `"${model}" is installed in ${modelFolder(storeDir, model)}`,
    ];
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Passes bytes through until `limit`, then fails: a body without Content-Length is bounded too. */
function limited(limit: number, fileName: string) {
  return async function* (source: AsyncIterable<Buffer>) {
    let total = 0;
    for await (const chunk of source) {
      total += chunk.length;
      if (total > limit) throw new UsageError(`${fileName}: more than a model file may be (${formatBytes(limit)})`);
      yield chunk;
    }
  };
}
