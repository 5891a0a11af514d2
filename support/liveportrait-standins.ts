import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './cli.ts';
import { testPython, torchMissing } from './python-torch.ts';

/**
 * LivePortrait stand-ins exported by PyTorch (liveportrait_standins.py): the real modules' ONNX names, shapes and
 * types with small weights. Made once per version of the script, under test/output.
 */
const script = join(repoRoot, 'test', 'support', 'liveportrait_standins.py');
/** Why the stand-ins cannot be made here (no PyTorch), or undefined. */
export const standinsUnavailable: string | undefined = torchMissing;
if (standinsUnavailable) console.warn(`[vivify tests] skipping tests that need the LivePortrait stand-ins: ${standinsUnavailable}`);

export const standinFiles = ['appearance_feature_extractor.onnx', 'motion_extractor.onnx', 'warping_spade.onnx', 'stitching.onnx', 'stitching_eye.onnx', 'stitching_lip.onnx'];

/** The folder holding the six stand-in files, exported now where they are not there yet. */
export function liveportraitStandins(): string {
  const version = createHash('sha256').update(readFileSync(script)).digest('hex').slice(0, 12);
  const folder = join(repoRoot, 'test', 'output', 'standins', `liveportrait-${version}`);
  if (standinFiles.every((file) => existsSync(join(folder, file)))) return folder;
  // Exported beside and moved into place whole, so that a run stopped halfway never leaves a partial set.
  const partial = `${folder}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  execFileSync(testPython, [script, partial], { stdio: ['ignore', 'ignore', 'pipe'] });
  rmSync(folder, { recursive: true, force: true });
  renameSync(partial, folder);
  return folder;
}
