import { basename, isAbsolute, join, relative } from 'node:path';
import { storeOption } from '../models/store/index.ts';
import { packageRoot } from './package-root.ts';

/**
 * The commands to run after a training, printed with the model's id and store so they work as typed: the swap has two
 * directions, and which one puts whose face on which video is the question every user asks.
 */

export interface NextCommand {
  /** What it does, in words. */
  label: string;
  /** The command line, with <placeholders> for what only the user knows (their video). */
  command: string;
}

/** A word as a POSIX shell reads it back unchanged. */
export function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

/** A preset of Vivify's own, as a path the user can type from here: relative where it is below the working folder. */
export function presetPath(name: string): string {
  const path = join(packageRoot, 'presets', name);
  const fromHere = relative(process.cwd(), path);
  return fromHere.startsWith('..') || isAbsolute(fromHere) ? path : fromHere;
}

/**
 * Both directions of a DeepFakes model: a-to-b (deepfakes_a2b.onnx, B's decoder) draws B's face on a video of A;
 * b-to-a draws A's face on a video of B.
 */
export function swapCommands(id: string, a: string, b: string, storeDir: string): (NextCommand & { direction: 'a-to-b' | 'b-to-a' })[] {
  const preset = shellWord(presetPath('deepfakes-swap.json'));
  const [nameA, nameB] = [basename(a), basename(b)];
  const command = (direction: string, video: string, output: string) =>
    `vivify render ${preset} --driving ${video} -o ${output} --set swap.model=${id} --set swap.direction=${direction}${storeOption(storeDir)}`;
  return [
    { direction: 'a-to-b', label: `B's face (${nameB}) on a video of A (${nameA})`, command: command('a-to-b', '<video of A>', 'a-as-b.mp4') },
    { direction: 'b-to-a', label: `A's face (${nameA}) on a video of B (${nameB})`, command: command('b-to-a', '<video of B>', 'b-as-a.mp4') },
  ];
}

/** A CycleGAN style: the cyclegan node runs generator.onnx, A → B, on each frame of a video like A's pictures. */
export function styleCommands(id: string, a: string, b: string, storeDir: string): NextCommand[] {
  const preset = shellWord(presetPath('painting-style.json'));
  return [
    {
      label: `a video like A's pictures (${basename(a)}) in B's style (${basename(b)})`,
      command: `vivify render ${preset} --driving <video> -o styled.mp4 --set style.model=${id}${storeOption(storeDir)}`,
    },
  ];
}

/** A pix2pix face generator: the pix2pix-face preset makes a picture of the target say what a driver says. */
export function pix2pixCommands(id: string, storeDir: string): NextCommand[] {
  const preset = shellWord(presetPath('pix2pix-face.json'));
  return [
    {
      label: 'a picture of the target (a frame of its video) saying what a driving video says',
      command: `vivify render ${preset} --source <picture of the target> --driving <video of the driver> -o speaking.mp4 --set face.model=${id}${storeOption(storeDir)}`,
    },
  ];
}
