import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CatalogEntry } from '../models/catalog.ts';
import { generatorFile } from '../nodes/cyclegan.ts';
import { repoRoot } from './cli.ts';
import { testPython, torchMissing } from './python-torch.ts';

/**
 * CycleGAN-style generators with random weights, exported by PyTorch (style_generator.py) with the I/O of
 * `vivify models import cyclegan`'s generator.onnx: `image` [1,3,H,W] in, `styled` [1,3,H,W] out, RGB 0..1.
 * tiny: a small local conv net, quick enough for renders; resnet: the authors' full ResnetGenerator, for timing
 * (models/train/cyclegan_networks.py's where it is there).
 * Each is made once per version of the script, under test/output.
 */
const script = join(repoRoot, 'test', 'support', 'style_generator.py');
/** The importer's own definition of the ResnetGenerator, which the script uses where it is there. */
const networks = join(repoRoot, 'models', 'train', 'cyclegan_networks.py');

export type StyleGeneratorKind = 'tiny' | 'resnet';

/** Why the generators cannot be made here (no PyTorch), or undefined. */
export const styleGeneratorUnavailable: string | undefined = torchMissing;
if (styleGeneratorUnavailable) console.warn(`[vivify tests] skipping tests that need a CycleGAN-style generator: ${styleGeneratorUnavailable}`);

/** The folder holding `generator.onnx` of this kind, exported now where it is not there yet. */
export function styleGenerator(kind: StyleGeneratorKind): string {
  const hash = createHash('sha256').update(readFileSync(script)).update(kind);
  if (kind === 'resnet' && existsSync(networks)) hash.update(readFileSync(networks));
  const version = hash.digest('hex').slice(0, 12);
  const folder = join(repoRoot, 'test', 'output', 'standins', `style-${kind}-${version}`);
  if (existsSync(join(folder, generatorFile))) return folder;
  // Exported beside and moved into place whole, so that a run stopped halfway never leaves a partial file.
  const partial = `${folder}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  execFileSync(testPython, [script, kind, join(partial, generatorFile)], { stdio: ['ignore', 'ignore', 'pipe'] });
  rmSync(folder, { recursive: true, force: true });
  renameSync(partial, folder);
  return folder;
}

/**
 * A checkpoint of the CycleGAN authors' ResnetGenerator with random weights (their initialisation), as
 * `vivify models import cyclegan` takes one: written to `path` (a .pth file).
 */
export function styleCheckpoint(path: string): string {
  execFileSync(testPython, [script, 'checkpoint', path], { stdio: ['ignore', 'ignore', 'pipe'] });
  return path;
}

/** A catalog entry for a generator under `id`, as `vivify models import` checks a file against. */
export function styleGeneratorEntry(id: string): CatalogEntry {
  const tensor = (name: string) => ({ name, type: 'float32' as const, shape: [1, 3, 256, 256] });
  return {
    id,
    title: 'CycleGAN-style generator with random weights (tests)',
    task: 'style',
    licence: 'MIT',
    homepage: 'https://github.com/junyanz/pytorch-CycleGAN-and-pix2pix',
    notes: "Exported by test/support/style_generator.py; height and width are free in the file.",
    files: [{ name: generatorFile, url: 'https://example.com/vivify-tests/generator.onnx', signature: { inputs: [tensor('image')], outputs: [tensor('styled')] } }],
  };
}

/** Writes a model catalog with the test generator under `id` at `path`, for VIVIFY_MODEL_CATALOG. */
export async function writeStyleCatalog(path: string, id: string): Promise<string> {
  await writeFile(path, `${JSON.stringify({ format: 'vivify.model-catalog', version: 1, models: [styleGeneratorEntry(id)] }, null, 2)}\n`);
  return path;
}
