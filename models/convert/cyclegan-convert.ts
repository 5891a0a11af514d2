import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { UsageError, VivifyError, messageOf } from '../../runtime/errors.ts';
import type { CatalogSignature } from '../catalog.ts';
import { openCpuModel } from '../cpu-model-session.ts';

/**
 * CycleGAN's published generators (the authors' PyTorch checkpoints of their ResnetGenerator) made into the ONNX file
 * Vivify runs: models/train/cyclegan_import.py converts with PyTorch and records PyTorch's output on a seeded input;
 * onnxruntime then runs the ONNX file on that input here, and the file is used only where both agree within 1e-4.
 */

export const cycleganScript = fileURLToPath(new URL('../train/cyclegan_import.py', import.meta.url));

/** The file a CycleGAN model has in the store. */
export const cycleganFileName = 'generator.onnx';

/** What cyclegan_import.py exports: RGB in 0..1 in and out, any height and width (multiples of 4). */
export const cycleganSignature: CatalogSignature = {
  inputs: [{ name: 'image', type: 'float32', shape: [1, 3, 'height', 'width'] }],
  outputs: [{ name: 'styled', type: 'float32', shape: [1, 3, 'height', 'width'] }],
};

/** The largest difference allowed between onnxruntime's output and PyTorch's on the reference input. */
export const cycleganTolerance = 1e-4;

const convertedEvent = z.object({
  type: z.literal('converted'),
  blocks: z.int(),
  ignoredKeys: z.int(),
  parameters: z.int(),
  seconds: z.number(),
  torch: z.string(),
});
const errorEvent = z.object({ type: z.literal('error'), message: z.string() });
type ConvertedEvent = z.infer<typeof convertedEvent>;

export interface CycleganConversion {
  /** PyTorch's side: residual blocks, parameters, instance-norm statistics ignored, seconds, torch's version. */
  converted: ConvertedEvent;
  /** onnxruntime's output against PyTorch's on the reference input. */
  maxDifference: number;
  /** Seconds for the whole conversion, Python's start and the check included. */
  seconds: number;
}

/**
 * Converts `checkpoint` to `onnxPath` (and the reference beside it at `referencePath`) with `python`, then checks the
 * ONNX file with onnxruntime on the CPU. A checkpoint that is not a CycleGAN generator is a UsageError naming its
 * keys; an export that onnxruntime does not reproduce is a VivifyError. PyTorch must be there (requireTorch first).
 */
export async function convertCyclegan(python: string, checkpoint: string, onnxPath: string, referencePath: string): Promise<CycleganConversion> {
  const started = performance.now();
  const result = await runConverter(python, [checkpoint, onnxPath, '--reference', referencePath]);
  const maxDifference = await checkCycleganReference(onnxPath, referencePath);
  if (!(maxDifference <= cycleganTolerance)) {
    throw new VivifyError(
      `the ONNX export of ${checkpoint} does not reproduce PyTorch under onnxruntime (largest difference ${maxDifference.toExponential(2)}, ` +
        `more than ${cycleganTolerance}); nothing was installed`,
    );
  }
  return { converted: result, maxDifference, seconds: (performance.now() - started) / 1000 };
}

function runConverter(python: string, args: string[]): Promise<ConvertedEvent> {
  return new Promise((resolve, reject) => {
    // -u: unbuffered, so the last line arrives even where Python is killed.
    const child = spawn(python, ['-u', cycleganScript, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let converted: ConvertedEvent | undefined;
    let error: string | undefined;
    const stderrTail: string[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      try {
        const data: unknown = JSON.parse(line);
        const done = convertedEvent.safeParse(data);
        if (done.success) converted = done.data;
        const failed = errorEvent.safeParse(data);
        if (failed.success) error = failed.data.message;
      } catch {
        // Not one of ours.
      }
    });
    createInterface({ input: child.stderr }).on('line', (line) => {
      if (!line.trim()) return;
      stderrTail.push(line);
      if (stderrTail.length > 20) stderrTail.shift();
    });
    child.once('error', (cause) => reject(new VivifyError(`cannot run ${python} to convert the checkpoint: ${messageOf(cause)}`)));
    child.once('close', (code, signal) => {
      if (error !== undefined) return reject(code === 2 ? new UsageError(error) : new VivifyError(error));
      if (code === 0 && converted) return resolve(converted);
      const last = stderrTail.at(-1) ?? 'no message';
      reject(new VivifyError(`the CycleGAN conversion (${python} ${cycleganScript}) failed with ${code === null ? `signal ${signal}` : `exit status ${code}`}: ${last}`));
    });
  });
}

const referenceTensor = z.object({ name: z.string(), shape: z.array(z.int().min(1)), float32le: z.string() });
const referenceDocument = z.object({
  format: z.literal('vivify.cyclegan-reference'),
  version: z.literal(1),
  input: referenceTensor,
  output: referenceTensor,
});

/** The largest absolute difference between onnxruntime's output of `onnxPath` and PyTorch's in the reference. */
export async function checkCycleganReference(onnxPath: string, referencePath: string): Promise<number> {
  let reference: z.infer<typeof referenceDocument>;
  try {
    reference = referenceDocument.parse(JSON.parse(await readFile(referencePath, 'utf8')));
  } catch (error) {
    throw new VivifyError(`${referencePath} cannot be read as the conversion's reference (${messageOf(error)})`);
  }
  const input = floatsOf(reference.input);
  const expected = floatsOf(reference.output);
  const session = await openCpuModel(onnxPath, cycleganFileName);
  try {
    const outputs = await session.run({ [reference.input.name]: { data: input, dims: reference.input.shape } });
    const actual = outputs[reference.output.name];
    if (!actual) throw new VivifyError(`${onnxPath} has no output "${reference.output.name}"`);
    if (actual.data.length !== expected.length) return Number.POSITIVE_INFINITY;
    let max = 0;
    for (let i = 0; i < expected.length; i++) max = Math.max(max, Math.abs(actual.data[i]! - expected[i]!));
    return max;
  } finally {
    await session.release();
  }
}

function floatsOf(tensor: z.infer<typeof referenceTensor>): Float32Array {
  const bytes = Buffer.from(tensor.float32le, 'base64');
  const count = tensor.shape.reduce((product, side) => product * side, 1);
  if (bytes.byteLength !== count * 4) throw new VivifyError(`the reference's "${tensor.name}" holds ${bytes.byteLength} bytes, not the ${count} floats of [${tensor.shape.join(',')}]`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Float32Array.from({ length: count }, (_, i) => view.getFloat32(i * 4, true));
}
