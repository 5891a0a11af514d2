import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { repoRoot } from './cli.ts';
import { testPython, torchMissing } from './python-torch.ts';
import { standinFiles } from './liveportrait-standins.ts';

/**
 * LivePortrait's real architecture with seeded random weights (liveportrait_real.py), exported with the catalog's six
 * file names, and the upstream code that is its oracle (liveportrait_reference.py). The upstream snapshot is read at
 * test time from ../shared/reference and never copied.
 */
export const upstream = resolve(repoRoot, '..', 'shared', 'reference', 'liveportrait', 'upstream');
export const maskTemplate = resolve(upstream, '..', 'mask_template.png');
export const realSeed = 2024;
const builder = join(repoRoot, 'test', 'support', 'liveportrait_real.py');
const splitter = join(repoRoot, 'test', 'support', 'liveportrait_real_split.py');
export const referenceScript = join(repoRoot, 'test', 'support', 'liveportrait_reference.py');

/** Why the real-architecture models or their oracle cannot be used here, or undefined. */
export const realUnavailable: string | undefined =
  torchMissing ??
  (existsSync(join(upstream, 'src', 'config', 'models.yaml')) ? undefined : `the LivePortrait upstream snapshot is not at ${upstream}`) ??
  (() => {
    try {
      execFileSync(testPython, ['-c', 'import yaml, scipy, cv2, rich'], { stdio: 'ignore' });
      return undefined;
    } catch {
      return `${testPython} cannot import yaml, scipy, cv2 and rich (Debian: python3-yaml python3-scipy python3-opencv python3-rich)`;
    }
  })();
if (realUnavailable) console.warn(`[vivify tests] skipping the LivePortrait parity tests: ${realUnavailable}`);

/** The files the models depend on: the builder, the upstream modules and settings. */
function upstreamFiles(): string[] {
  const modules = join(upstream, 'src', 'modules');
  return [builder, join(upstream, 'src', 'config', 'models.yaml'), ...readdirSync(modules).sort().map((name) => join(modules, name))];
}

/** The folder of the six ONNX files, exported once per (builder, upstream files, seed) under test/output/standins. */
export function liveportraitReal(): string {
  return exportedOnce('liveportrait-real', upstreamFiles(), standinFiles, (out) => [builder, 'export', upstream, out]);
}

/**
 * W and G of the same seeded build as two files, warping.onnx and spade_generator.onnx (liveportrait_real_split.py),
 * traced at the given height and width of their inputs (64 in the catalog; W needs at least 32).
 */
export const splitFiles = ['warping.onnx', 'spade_generator.onnx'];
export function liveportraitRealSplit(sizes: { warp: number; decode: number } = { warp: 64, decode: 64 }): string {
  const command = (out: string) => [splitter, upstream, out, '--warp-size', String(sizes.warp), '--decode-size', String(sizes.decode)];
  return exportedOnce(`liveportrait-real-split-w${sizes.warp}-g${sizes.decode}`, [splitter, ...upstreamFiles()], splitFiles, command);
}

/** `files` exported by `command(folder)` into a folder named by the hash of `sources` and the seed, made once. */
function exportedOnce(name: string, sources: string[], files: string[], command: (out: string) => string[]): string {
  const hash = createHash('sha256');
  for (const file of sources) hash.update(file.slice(upstream.length)).update(readFileSync(file));
  hash.update(String(realSeed));
  const folder = join(repoRoot, 'test', 'output', 'standins', `${name}-${hash.digest('hex').slice(0, 12)}`);
  if (files.every((file) => existsSync(join(folder, file)))) return folder;
  // Exported beside and moved into place whole, so that a stopped run never leaves a partial set.
  const partial = `${folder}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  execFileSync(testPython, [...command(partial), '--seed', String(realSeed)], { stdio: ['ignore', 'ignore', 'pipe'] });
  rmSync(folder, { recursive: true, force: true });
  renameSync(partial, folder);
  return folder;
}
