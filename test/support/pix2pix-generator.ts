import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { registerLocalModel } from '../../models/store/index.ts';
import { pix2pixGeneratorFile } from '../../nodes/pix2pix-face.ts';
import { repoRoot } from '../../support/cli.ts';
import { testPython, torchMissing } from '../../support/python-torch.ts';

/**
 * A stand-in for a model of `vivify train pix2pix`: pix2pix.onnx from pix2pix_generator.py (a miniature U-Net with
 * random weights: `sketch` [1,3,S,S] in, `face` out) and the pix2pix.json beside it. Made once per version of the
 * script and size, under test/output/standins.
 */
const script = join(repoRoot, 'test', 'support', 'pix2pix_generator.py');

/** Why the stand-in cannot be made here (no PyTorch), or undefined. */
export const pix2pixGeneratorUnavailable: string | undefined = torchMissing;

/** The folder holding the stand-in's pix2pix.onnx and pix2pix.json at crop size `size`. */
export function pix2pixStandin(size = 64): string {
  const version = createHash('sha256').update(readFileSync(script)).update(String(size)).digest('hex').slice(0, 12);
  const folder = join(repoRoot, 'test', 'output', 'standins', `pix2pix-${size}-${version}`);
  if (existsSync(join(folder, pix2pixGeneratorFile))) return folder;
  // Exported beside and moved into place whole, so that a run stopped halfway never leaves a partial folder.
  const partial = `${folder}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  execFileSync(testPython, [script, join(partial, pix2pixGeneratorFile), '--size', String(size)], { stdio: ['ignore', 'ignore', 'pipe'] });
  writeFileSync(join(partial, 'pix2pix.json'), `${JSON.stringify({ format: 'vivify.pix2pix', version: 1, size, standin: 'test/support/pix2pix_generator.py, random weights' }, null, 2)}\n`);
  rmSync(folder, { recursive: true, force: true });
  renameSync(partial, folder);
  return folder;
}

/** Registers the stand-in in `store` under `id` (task "pix2pix"), as `vivify train pix2pix` registers what it trained. */
export async function registerPix2pixStandin(store: string, id: string, size = 64): Promise<void> {
  const folder = pix2pixStandin(size);
  const tensor = (name: string) => ({ name, type: 'float32' as const, shape: [1, 3, size, size] });
  await registerLocalModel(store, {
    id,
    title: 'pix2pix face generator with random weights (tests)',
    task: 'pix2pix',
    licence: 'MIT',
    homepage: 'https://github.com/junyanz/pytorch-CycleGAN-and-pix2pix',
    notes: 'A stand-in exported by test/support/pix2pix_generator.py: it draws a tinted, filtered sketch, not a face.',
    files: [
      { name: pix2pixGeneratorFile, path: join(folder, pix2pixGeneratorFile), signature: { inputs: [tensor('sketch')], outputs: [tensor('face')] } },
      { name: 'pix2pix.json', path: join(folder, 'pix2pix.json') },
    ],
  });
}
