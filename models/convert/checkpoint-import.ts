import { stat } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { UsageError } from '../../runtime/errors.ts';
import { localModelIdProblem } from '../store/local-catalog.ts';

/**
 * What `vivify models import <word> <checkpoint.pth>` checks before converting (cyclegan, pix2pix): one checkpoint
 * file, and the model id it is registered under, valid and not the word itself.
 */

export async function checkpointToImport(word: string, sources: string[], name: string | undefined): Promise<{ checkpoint: string; id: string }> {
  if (sources.length !== 1) throw new UsageError(`vivify models import ${word} takes one checkpoint file (a generator's .pth), not ${sources.length}`);
  const checkpoint = resolve(sources[0]!);
  const info = await stat(checkpoint).catch(() => undefined);
  if (!info?.isFile()) throw new UsageError(`${sources[0]}: ${info ? 'a folder; give the generator checkpoint itself (as latest_net_G.pth)' : 'no such file'}`);
  const id = name ?? importedModelId(word, checkpoint);
  const idProblem = id === word ? `"${id}" is the word that asks for a conversion; choose another name` : localModelIdProblem(id);
  if (idProblem) throw new UsageError(`${name === undefined ? `the model's name from ${basename(checkpoint)}` : '--name'}: ${idProblem}`);
  return { checkpoint, id };
}

/** <word>-<the file or folder name, without its extension>, made a valid id: style_monet.pth -> cyclegan-style_monet. */
export function importedModelId(word: string, path: string): string {
  const stem = basename(path, extname(path))
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+|[-.]+$/g, '');
  if (stem.startsWith(`${word}-`) || stem.startsWith(`${word}_`)) return stem;
  return `${word}-${stem || 'model'}`;
}
