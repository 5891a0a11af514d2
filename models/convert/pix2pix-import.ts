import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { UsageError, VivifyError, messageOf } from '../../runtime/errors.ts';
import type { CatalogEntry, CatalogSignature } from '../catalog.ts';
import { sha256File } from '../store/file-hash.ts';
import { registerLocalModel, type LocalModelFile } from '../store/local-catalog.ts';
import { checkExport, exportTolerance } from '../train/export-check.ts';
import { requireTorch, trainingPython } from '../train/python-torch.ts';
import { runTrainer } from '../train/run-trainer.ts';
import { checkpointToImport } from './checkpoint-import.ts';
import { cycleganHomepage } from './cyclegan-import.ts';

/**
 * A pix2pix model in the store, as `vivify train pix2pix` registers one and `vivify models import pix2pix
 * <checkpoint.pth>` converts one (the authors' U-Net generator: unet_256, unet_128): pix2pix.onnx, the generator
 * between 0..1 pictures (input `sketch`, output `face`, [1,3,S,S]), and pix2pix.json (its size and history).
 */

/** The word `models import` takes in place of a model id to convert a pix2pix checkpoint; the store's task. */
export const pix2pixImportId = 'pix2pix';
export const pix2pixTask = 'pix2pix';
export const pix2pixHomepage = cycleganHomepage;

const importScript = fileURLToPath(new URL('../train/pix2pix_import.py', import.meta.url));

/** What pix2pix.onnx takes and gives at side `size`. */
export function pix2pixSignature(size: number): CatalogSignature {
  const tensor = (name: string) => ({ name, type: 'float32' as const, shape: [1, 3, size, size] });
  return { inputs: [tensor('sketch')], outputs: [tensor('face')] };
}

/** The files a pix2pix model has in the store, from the folder they were exported to. */
export function pix2pixModelFiles(folder: string, size: number, from?: string): LocalModelFile[] {
  return [
    { name: 'pix2pix.onnx', path: join(folder, 'pix2pix.onnx'), signature: pix2pixSignature(size), ...(from ? { from } : {}) },
    { name: 'pix2pix.json', path: join(folder, 'pix2pix.json'), ...(from ? { from } : {}) },
  ];
}

/** A pix2pix.json's size, which the ONNX file is fixed at. */
export async function pix2pixSize(folder: string): Promise<number> {
  const path = join(folder, 'pix2pix.json');
  try {
    return z.object({ format: z.literal('vivify.pix2pix'), size: z.int().min(1) }).parse(JSON.parse(await readFile(path, 'utf8'))).size;
  } catch (error) {
    throw new VivifyError(`${path} cannot be read (${messageOf(error)}); the export is incomplete`);
  }
}

const converterEvents = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('converted'),
    size: z.int(),
    downs: z.int(),
    ngf: z.int(),
    norm: z.enum(['batch', 'instance']),
    statistics: z.enum(['picture', 'running']).nullable(),
    ignoredKeys: z.int(),
    parameters: z.int(),
    seconds: z.number(),
    torch: z.string(),
  }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);

export interface Pix2pixImportOptions {
  name?: string;
  licence?: string;
  /** Batch norm with each picture's statistics (the authors' test.py default) or the checkpoint's running ones (--eval). */
  normStatistics?: 'picture' | 'running';
}

export async function importPix2pixCheckpoint(storeDir: string, sources: string[], options: Pix2pixImportOptions): Promise<{ entry: CatalogEntry; summary: string }> {
  const { checkpoint, id } = await checkpointToImport(pix2pixImportId, sources, options.name);
  const python = trainingPython();
  await requireTorch(python, 'converting a pix2pix checkpoint to ONNX');
  const work = await mkdtemp(join(tmpdir(), 'vivify-pix2pix-'));
  try {
    let converted: Extract<z.infer<typeof converterEvents>, { type: 'converted' }> | undefined;
    let problem: string | undefined;
    const exit = await runTrainer(
      python,
      [checkpoint, work, '--norm-statistics', options.normStatistics ?? 'picture'],
      {
        event(event) {
          if (event.type === 'converted') converted = event;
          else problem = event.message;
        },
        stopping() {},
      },
      { path: importScript, events: converterEvents },
    );
    if (problem !== undefined) throw exit.code === 2 ? new UsageError(problem) : new VivifyError(problem);
    if (!converted || exit.code !== 0) {
      const last = exit.stderrTail.filter((line) => line.trim()).at(-1) ?? 'no message';
      throw new VivifyError(`the pix2pix conversion (${python} ${importScript}) failed with exit status ${exit.code ?? exit.signal}: ${last}`);
    }
    const [check] = await checkExport(work);
    if (!check?.ok) {
      throw new VivifyError(`the ONNX export of ${checkpoint} does not reproduce PyTorch under onnxruntime (largest difference ${check?.maxDifference.toExponential(2)}, more than ${exportTolerance}); nothing was installed`);
    }
    const sha256 = await sha256File(checkpoint);
    const norm =
      converted.norm === 'batch' ? `batch norm with ${converted.statistics === 'running' ? 'the saved running statistics (--eval)' : "each picture's own statistics (test.py's default)"}` : 'instance norm';
    const entry = await registerLocalModel(storeDir, {
      id,
      title: `pix2pix generator from ${basename(checkpoint)}`,
      task: pix2pixTask,
      licence: options.licence ?? "the checkpoint's",
      homepage: pix2pixHomepage,
      notes:
        `Converted by vivify models import pix2pix from ${checkpoint} (sha256 ${sha256}): the authors' unet_${converted.size} (ngf ${converted.ngf}, ${norm}, no dropout), ` +
        `checked with onnxruntime against PyTorch within ${exportTolerance}. Input sketch, output face: planar RGB 0..1, [1,3,${converted.size},${converted.size}].`,
      files: pix2pixModelFiles(work, converted.size, checkpoint),
    });
    const ignored = converted.ignoredKeys > 0 ? `, ${converted.ignoredKeys} stale instance-norm statistics ignored` : '';
    const summary =
      `converted a pix2pix U-Net generator (unet_${converted.size}, ngf ${converted.ngf}, ${converted.norm} norm, ${(converted.parameters / 1e6).toFixed(2)} M parameters${ignored}) ` +
      `with PyTorch ${converted.torch}; onnxruntime reproduces PyTorch's output within ${exportTolerance} (largest difference ${check.maxDifference.toExponential(1)})`;
    return { entry, summary };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
