import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { CatalogEntry } from '../catalog.ts';
import { sha256File } from '../store/file-hash.ts';
import { registerLocalModel } from '../store/local-catalog.ts';
import { checkpointToImport, importedModelId } from './checkpoint-import.ts';
import { cycleganFileName, cycleganSignature } from './cyclegan-convert.ts';
import { convertCheckpoint, type ConversionReport } from './model-converters.ts';

/**
 * `vivify models import cyclegan <checkpoint.pth>`: any CycleGAN ResNet generator checkpoint (one of the authors' or
 * one trained with their code) converted to ONNX, checked with onnxruntime and registered in the store's own catalog
 * as a "style" model, as `vivify train` registers the models it makes.
 */

/** The word `models import` takes in place of a model id to convert a CycleGAN checkpoint. */
export const cycleganImportId = 'cyclegan';

export const cycleganHomepage = 'https://github.com/junyanz/pytorch-CycleGAN-and-pix2pix';

export interface CycleganImportOptions {
  /** The model id (default cyclegan-<the checkpoint's file name>). */
  name?: string;
  /** The weights' licence (default "the checkpoint's": the user knows where it came from). */
  licence?: string;
}

export interface CycleganImport {
  entry: CatalogEntry;
  report: ConversionReport;
}

export async function importCycleganCheckpoint(storeDir: string, sources: string[], options: CycleganImportOptions): Promise<CycleganImport> {
  const { checkpoint, id } = await checkpointToImport(cycleganImportId, sources, options.name);

  const work = await mkdtemp(join(tmpdir(), 'vivify-cyclegan-'));
  try {
    const onnx = join(work, cycleganFileName);
    const report = await convertCheckpoint('cyclegan-resnet', checkpoint, onnx);
    const sha256 = await sha256File(checkpoint);
    const entry = await registerLocalModel(storeDir, {
      id,
      title: `CycleGAN style from ${basename(checkpoint)}`,
      task: 'style',
      licence: options.licence ?? "the checkpoint's",
      homepage: cycleganHomepage,
      notes:
        `Converted by vivify models import cyclegan from ${checkpoint} (sha256 ${sha256}): a CycleGAN ResNet generator, ` +
        `checked with onnxruntime against PyTorch within ${report.tolerance}. Input image, output styled: RGB 0..1, [1,3,height,width], ` +
        'height and width multiples of 4.',
      files: [{ name: cycleganFileName, path: onnx, signature: cycleganSignature, from: checkpoint }],
    });
    return { entry, report };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** cyclegan-<the checkpoint's file name, without its extension>, made a valid id: style_monet.pth -> cyclegan-style_monet. */
export function defaultCycleganId(checkpoint: string): string {
  return importedModelId(cycleganImportId, checkpoint);
}
