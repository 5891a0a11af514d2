import type { ModelRemedy } from '../../runtime/model-problem.ts';
import type { Catalog, CatalogEntry } from '../catalog.ts';

/**
 * How a model the store lacks is got, as one clause of a sentence and as the command to run: the same words for
 * `vivify render`, `vivify models verify` and the editor's mark on the node. A catalog model with download URLs is
 * pulled; one made on this machine (`vivify train`, `vivify models import cyclegan`) is made again or its files
 * imported; a model no catalog knows is made by the trainer or converter for what the node needs it for.
 */
export interface ModelWay {
  remedy: ModelRemedy;
  /** The command that gets it (placeholders in <>), where there is one. */
  command?: string;
  /** What to do, in words, with the commands: the part after "; " in a model problem. */
  advice: string;
}

/** How Vivify makes a model of a task on this machine, where it can: the trainer or converter to name. */
function maker(task: string | undefined, id: string, option: string): ModelWay | undefined {
  if (task === 'faceswap') {
    const command = `vivify train deepfakes --a <faces> --b <faces> --out <dir> --name ${id}${option}`;
    return { remedy: 'train', command, advice: `a DeepFakes face swap is trained on this machine, from two face sets that vivify extract makes: ${command}` };
  }
  if (task === 'pix2pix') {
    const command = `vivify train pix2pix <target video> --out <dir> --name ${id}${option}`;
    return { remedy: 'train', command, advice: `a pix2pix face generator is trained on this machine, from video of the target person: ${command}` };
  }
  if (task === 'style') {
    const command = `vivify models import cyclegan <checkpoint.pth> --name ${id}${option}`;
    const train = `vivify train cyclegan --a <pictures> --b <paintings> --out <dir> --name ${id}${option}`;
    return { remedy: 'import', command, advice: `a CycleGAN style is converted from a generator checkpoint you have: ${command} (or trained here: ${train})` };
  }
  return undefined;
}

/** The way to get `entry`, which the catalog lists: pulled where it has URLs, else made on this machine again. */
export function catalogModelWay(entry: CatalogEntry, option: string): ModelWay {
  const importFiles = `vivify models import ${entry.id} <folder>${option}`;
  if (entry.files.every((file) => file.url)) {
    const command = `vivify models pull ${entry.id}${option}`;
    return { remedy: 'pull', command, advice: `fetch it with: ${command}  (or, with the files at hand: ${importFiles})` };
  }
  // Made on this machine (its entry is the store's own): nothing to download.
  const made = maker(entry.task, entry.id, option);
  if (!made) return { remedy: 'import', command: importFiles, advice: `it was made on this machine: import its files: ${importFiles}` };
  return { remedy: made.remedy, command: made.command, advice: `it was made on this machine: make it again (${made.command}), or import its files: ${importFiles}` };
}

/**
 * The way to get a model no catalog knows, by what the node needs it for; undefined where nothing makes one (the
 * sentence then lists the models the catalog has).
 */
export function unknownModelWay(id: string, task: string | undefined, catalog: Catalog, option: string): ModelWay | undefined {
  const made = maker(task, id, option);
  if (!made) return undefined;
  const alike = catalog.models.filter((model) => model.task === task).map((model) => model.id);
  return alike.length > 0 ? { ...made, advice: `${made.advice}; or choose one of the catalog's: ${alike.join(', ')}` } : made;
}
