import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CatalogSignature, ModelConverterKind } from '../catalog.ts';
import { requireTorch, trainingPython } from '../train/python-torch.ts';
import { convertCyclegan, cycleganFileName, cycleganSignature, cycleganTolerance } from './cyclegan-convert.ts';

/**
 * Models published in another framework's format that Vivify converts to ONNX once, when they are pulled or imported
 * (the catalog's `convert`). Each converter runs PyTorch (VIVIFY_PYTHON, else /usr/bin/python3) and checks its export
 * with onnxruntime before anything is installed.
 */

export interface ModelConverter {
  /** What it takes, for messages: "a CycleGAN ResNet generator checkpoint". */
  source: string;
  /** The ONNX file it makes, and the signature that file has. */
  fileName: string;
  signature: CatalogSignature;
  tolerance: number;
}

export const modelConverters: Record<ModelConverterKind, ModelConverter> = {
  'cyclegan-resnet': {
    source: 'a CycleGAN ResNet generator checkpoint',
    fileName: cycleganFileName,
    signature: cycleganSignature,
    tolerance: cycleganTolerance,
  },
};

/**
 * The Python that converts, once it is known to import PyTorch; else a UsageError (exit status 2) with the install
 * command. Pulls call this before downloading, so that nothing is fetched that cannot be converted.
 */
export async function requireConverter(kind: ModelConverterKind): Promise<string> {
  const python = trainingPython();
  await requireTorch(python, `converting ${modelConverters[kind].source} to ONNX`);
  return python;
}

export interface ConversionReport {
  /** Seconds in all: Python's start, the export and onnxruntime's check. */
  seconds: number;
  /** onnxruntime against PyTorch on the reference input, and the bound it had to meet. */
  maxDifference: number;
  tolerance: number;
  /** One line for people: what was converted and how well onnxruntime reproduces it. */
  summary: string;
}

/**
 * Converts `checkpoint` to the ONNX file `outPath` with PyTorch and checks it with onnxruntime. Without PyTorch: a
 * UsageError with the install command, before anything else. A checkpoint of the wrong kind: a UsageError naming
 * what does not fit. An export onnxruntime does not reproduce: a VivifyError. `outPath` exists only on success.
 */
export async function convertCheckpoint(kind: ModelConverterKind, checkpoint: string, outPath: string): Promise<ConversionReport> {
  const python = await requireConverter(kind);
  const work = await mkdtemp(join(tmpdir(), 'vivify-convert-'));
  try {
    switch (kind) {
      case 'cyclegan-resnet': {
        const result = await convertCyclegan(python, checkpoint, outPath, join(work, 'reference.json'));
        const { converted } = result;
        const ignored = converted.ignoredKeys > 0 ? `, ${converted.ignoredKeys} stale instance-norm statistics ignored` : '';
        return {
          seconds: result.seconds,
          maxDifference: result.maxDifference,
          tolerance: cycleganTolerance,
          summary:
            `converted a CycleGAN ResNet generator (${converted.blocks} residual blocks, ${(converted.parameters / 1e6).toFixed(2)} M parameters${ignored}) ` +
            `with PyTorch ${converted.torch} in ${result.seconds.toFixed(1)} s; onnxruntime reproduces PyTorch's output within ${cycleganTolerance} ` +
            `(largest difference ${result.maxDifference.toExponential(1)})`,
        };
      }
    }
  } catch (error) {
    await rm(outPath, { force: true });
    throw error;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
