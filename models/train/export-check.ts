import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { VivifyError, messageOf } from '../../runtime/errors.ts';
import { openCpuModel } from '../cpu-model-session.ts';

/**
 * Whether onnxruntime reproduces PyTorch: the trainer saves, for one seeded input, what PyTorch computed with each
 * exported direction (export-check.json and raw little-endian float32 files); each ONNX file runs here on the CPU,
 * through the same session code the deepfakes node uses, and every output is compared.
 */

export const exportTolerance = 1e-4;

const tensorFile = z.object({ name: z.string(), file: z.string(), shape: z.array(z.int().min(1)) });
const exportCheck = z.object({
  format: z.literal('vivify.deepfakes-export-check'),
  version: z.literal(1),
  input: tensorFile,
  models: z.array(z.object({ file: z.string(), outputs: z.array(tensorFile) })),
});

export interface ExportCheck {
  file: string;
  /** The largest absolute difference over every output. */
  maxDifference: number;
  outputs: Record<string, number>;
  ok: boolean;
}

export async function checkExport(modelDir: string): Promise<ExportCheck[]> {
  const listing = join(modelDir, 'export-check.json');
  let check: z.infer<typeof exportCheck>;
  try {
    check = exportCheck.parse(JSON.parse(await readFile(listing, 'utf8')));
  } catch (error) {
    throw new VivifyError(`${listing} cannot be read (${messageOf(error)}); the export is incomplete`);
  }
  const input = await readFloats(join(modelDir, check.input.file), check.input.shape);
  const results: ExportCheck[] = [];
  for (const model of check.models) {
    const session = await openCpuModel(join(modelDir, model.file), model.file);
    try {
      const outputs = await session.run({ [check.input.name]: { data: input, dims: check.input.shape } });
      const differences: Record<string, number> = {};
      for (const expected of model.outputs) {
        const actual = outputs[expected.name];
        if (!actual) throw new VivifyError(`${model.file} has no output "${expected.name}"; the export is not what the trainer checked`);
        differences[expected.name] = maxAbsDifference(actual.data, await readFloats(join(modelDir, expected.file), expected.shape));
      }
      const maxDifference = Math.max(...Object.values(differences));
      results.push({ file: model.file, maxDifference, outputs: differences, ok: maxDifference <= exportTolerance });
    } finally {
      await session.release();
    }
  }
  return results;
}

async function readFloats(path: string, shape: number[]): Promise<Float32Array> {
  const bytes = await readFile(path);
  const count = shape.reduce((product, side) => product * side, 1);
  if (bytes.byteLength !== count * 4) throw new VivifyError(`${path} holds ${bytes.byteLength} bytes, not the ${count} floats of [${shape.join(',')}]`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Float32Array.from({ length: count }, (_, i) => view.getFloat32(i * 4, true));
}

function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}
