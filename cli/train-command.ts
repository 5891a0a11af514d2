import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { z } from 'zod';
import { UsageError, VivifyError, messageOf } from '../runtime/errors.ts';
import type { CatalogSignature } from '../models/catalog.ts';
import { localModelIdProblem, modelFolder, registerLocalModel, resolveModelsDir } from '../models/store/index.ts';
import { checkExport, exportTolerance } from '../models/train/export-check.ts';
import { requireTorch, trainingPython } from '../models/train/python-torch.ts';
import { checkCycleganReference, cycleganSignature, cycleganTolerance } from '../models/convert/cyclegan-convert.ts';
import { importedModelId } from '../models/convert/checkpoint-import.ts';
import { cycleganHomepage, defaultCycleganId } from '../models/convert/cyclegan-import.ts';
import { pix2pixHomepage, pix2pixImportId, pix2pixModelFiles, pix2pixTask } from '../models/convert/pix2pix-import.ts';
import { cycleganTrainScript, pix2pixTrainScript, runTrainer, type TrainerScript } from '../models/train/run-trainer.ts';
import {
  cycleganMetadata,
  cycleganTrainerEvent,
  deepfakesMetadata,
  pix2pixMetadata,
  pix2pixTrainerEvent,
  type CycleganMetadata,
  type CycleganTrainerEvent,
  type DeepfakesMetadata,
  type Pix2pixLosses,
  type Pix2pixTrainerEvent,
} from '../models/train/trainer-events.ts';
import { countFaces, hasCheckpoint, readCheckpointSummary, type CheckpointSummary } from '../models/train/training-folders.ts';
import { readTrainingStatus } from '../models/train/training-status.ts';
import { printTrainingStatus } from './train-status.ts';
import { pix2pixCommands, shellWord, styleCommands, swapCommands, type NextCommand } from './train-next-steps.ts';
import {
  jsonTrainingReporter,
  terminalCycleganReporter,
  terminalPix2pixReporter,
  terminalTrainingReporter,
  type TrainingReporter,
} from '../models/train/training-reporter.ts';
import { cycleganPresets, deepfakesPresets, pix2pixPresets } from './option-choices.ts';
import { makePix2pixPairs, pairsFolderName, pix2pixPresetSizes } from './pix2pix-pairs.ts';

/** `vivify train deepfakes`: checks, runs models/train/deepfakes.py, checks its ONNX export and registers the model. */


export interface TrainDeepfakesOptions {
  a?: string;
  b?: string;
  out?: string;
  preset?: (typeof deepfakesPresets)[number];
  size?: number;
  iters?: number;
  batch?: number;
  resume?: boolean;
  /** Minutes of training after which the trainer stops, exports and the model is registered. */
  stopAfter?: number;
  exportOnly?: boolean;
  /** A model folder to summarise instead of training. */
  status?: string;
  previewEvery?: number;
  name?: string;
  modelsDir?: string;
  json?: boolean;
  debug?: boolean;
}

/** Ctrl-C: the checkpoint is saved (and the model exported and registered); exit status 130 with a sentence that says so. */
export class TrainingStoppedError extends VivifyError {
  override name = 'TrainingStoppedError';
  override get exitCode(): number {
    return 130;
  }
}

const modelFiles = ['deepfakes_a2b.onnx', 'deepfakes_b2a.onnx', 'deepfakes.json'] as const;

export async function trainDeepfakesCommand(options: TrainDeepfakesOptions): Promise<void> {
  await trainCommand(options, {
    trainer: 'deepfakes',
    defaultId: defaultModelId,
    data: twoFolders('--a and --b name the two folders of aligned faces to train on (vivify extract makes them)'),
    sizeProblem: (size) => (size % 16 !== 0 || size < 32 ? `--size ${size}: the face size must be a multiple of 16, at least 32` : undefined),
    reporter: (json) => (json ? jsonTrainingReporter() : terminalTrainingReporter()),
    script: undefined,
    metadataFile: 'deepfakes.json',
    exportFiles: ['deepfakes_a2b.onnx', 'deepfakes_b2a.onnx'],
    commands: (id, metadata: DeepfakesMetadata, store) => swapCommands(id, metadata.a.folder, metadata.b.folder, store),
    checkExport: checkExportFiles,
    async register(out, id) {
      const metadata = await readTrainedMetadata(out, 'deepfakes.json', deepfakesMetadata);
      return {
        metadata,
        model: {
          id,
          title: `DeepFakes ${basename(metadata.a.folder)} ↔ ${basename(metadata.b.folder)}`,
          task: 'faceswap',
          licence: 'trained by you',
          homepage: 'https://github.com/deepfakes/faceswap',
          notes:
            `Trained with vivify train deepfakes from ${metadata.a.folder} (A, ${metadata.a.faces} faces) and ${metadata.b.folder} (B, ${metadata.b.faces} faces): ` +
            `preset ${metadata.preset}, ${metadata.size} px, ${metadata.iterations} iterations in ${Math.round(metadata.seconds)} s on ${metadata.device}. ` +
            `deepfakes_a2b.onnx draws B on A's face, deepfakes_b2a.onnx A on B's.`,
          files: modelFiles.map((name) => ({ name, path: join(out, name), signature: name.endsWith('.onnx') ? swapSignature(metadata) : undefined })),
        },
      };
    },
  });
}

/** The export check of deepfakes.py and pix2pix_train.py (export-check.json): each file run by onnxruntime against PyTorch's outputs. */
async function checkExportFiles<E, L>(out: string, reporter: TrainingReporter<E, L>): Promise<void> {
  const checks = await checkExport(out);
  for (const check of checks) reporter.check(check);
  const bad = checks.filter((check) => !check.ok);
  if (bad.length > 0) {
    throw new VivifyError(`${bad.map((check) => check.file).join(' and ')} do not reproduce PyTorch's outputs within ${exportTolerance} under onnxruntime; the model was not registered`);
  }
}

type Seen = {
  error?: string;
  stoppedAt?: number | null;
  stopReason?: 'signal' | 'time' | null;
  lastCheckpoint?: number;
  total?: number;
  exported?: boolean;
  preview?: string;
};

type TrainedMetadata<L> = { iterations: number; seconds: number; loss: { first: L | null; last: L | null } };

/** The options every trainer takes; each adds the data it trains on and its presets. */
type TrainingOptions = Omit<TrainDeepfakesOptions, 'a' | 'b' | 'preset'> & { preset?: string };

/** What differs between `vivify train deepfakes`, `vivify train cyclegan` and `vivify train pix2pix`. */
interface TrainerSpec<O extends TrainingOptions, E extends { type: string }, L, M extends TrainedMetadata<L>> {
  trainer: string;
  defaultId(out: string): string;
  /**
   * The trainer's arguments that name its data, checked (and, for pix2pix, made) once every cheaper check has passed;
   * `summary` is the checkpoint's on --resume and --export-only (an export reads the checkpoint only).
   */
  data(options: O, out: string, summary: CheckpointSummary | undefined): Promise<string[]>;
  /** Why --size cannot be trained, or undefined. */
  sizeProblem(size: number): string | undefined;
  /** The trainer's own options, as its arguments. */
  extraArgs?(options: O): string[];
  reporter(json: boolean): TrainingReporter<E, L>;
  script: TrainerScript<E> | undefined;
  /** The export's record and ONNX files, for --status. */
  metadataFile: string;
  exportFiles: readonly string[];
  /** The commands that use the registered model. */
  commands(id: string, metadata: M, store: string): NextCommand[];
  checkExport(out: string, reporter: TrainingReporter<E, L>): Promise<void>;
  register(out: string, id: string): Promise<{ metadata: M; model: Parameters<typeof registerLocalModel>[1] }>;
}

/** The flow the trainers share: checks, the trainer's run and its report, the export check and the registration. */
async function trainCommand<O extends TrainingOptions, E extends { type: string }, L, M extends TrainedMetadata<L>>(options: O, spec: TrainerSpec<O, E, L, M>): Promise<void> {
  // A summary reads files only: no PyTorch needed.
  if (options.status !== undefined) {
    const status = await readTrainingStatus(options.status, spec.metadataFile, spec.exportFiles, resolveModelsDir(options.modelsDir));
    printTrainingStatus(status, spec.trainer, Boolean(options.json));
    return;
  }
  if (options.out === undefined) throw new UsageError(`--out <dir> names the model folder to train in (vivify train ${spec.trainer} --help)`);
  const out = resolve(options.out);
  if (options.exportOnly) exportOnlyProblem(options, out);

  // PyTorch first: without it nothing else matters, and the answer is one install command.
  const python = trainingPython();
  await requireTorch(python);

  if (options.exportOnly && !hasCheckpoint(out)) throw new UsageError(`${out} holds no checkpoint to export; train into it first`);
  const summary = options.resume || options.exportOnly ? await readCheckpointSummary(out) : undefined;
  if (!options.resume && !options.exportOnly && hasCheckpoint(out)) {
    throw new UsageError(`${out} already holds a training; --resume continues it, --export-only exports it as it is, or choose another --out`);
  }
  const sizeProblem = options.size === undefined ? undefined : spec.sizeProblem(options.size);
  if (sizeProblem) throw new UsageError(sizeProblem);
  if (summary && options.iters !== undefined && options.iters < summary.iteration) {
    throw new UsageError(`--iters ${options.iters}: the checkpoint in ${out} is at iteration ${summary.iteration} already (--iters counts all iterations, not more of them)`);
  }
  const id = options.name ?? spec.defaultId(out);
  const idProblem = localModelIdProblem(id);
  if (idProblem) throw new UsageError(`${options.name === undefined ? `the model's name from ${out}` : '--name'}: ${idProblem}`);
  const store = resolveModelsDir(options.modelsDir);

  const own = spec.extraArgs?.(options) ?? [];
  const args = [...(await spec.data(options, out, summary)), '--out', out, ...own];
  if (options.resume) args.push('--resume');
  if (options.exportOnly) args.push('--export-only');
  if (options.stopAfter !== undefined) args.push('--stop-after', String(options.stopAfter * 60));
  if (options.preset) args.push('--preset', options.preset);
  const numbers: [string, number | undefined][] = [
    ['--size', options.size],
    ['--iters', options.iters],
    ['--batch', options.batch],
    ['--preview-every', options.previewEvery],
  ];
  for (const [flag, value] of numbers) if (value !== undefined) args.push(flag, String(value));

  const reporter = spec.reporter(Boolean(options.json));
  const seen: Seen = { lastCheckpoint: summary?.iteration };
  let exit;
  try {
    exit = await runTrainer<E>(
      python,
      args,
      {
        event(event) {
          const e = event as { type: string; message?: string; iteration?: number | null; iterations?: number; reason?: 'signal' | 'time' | null; path?: string };
          if (e.type === 'error') seen.error = e.message;
          if (e.type === 'stopped') {
            seen.stoppedAt = e.iteration;
            seen.stopReason = e.reason;
          }
          if (e.type === 'checkpoint') seen.lastCheckpoint = e.iteration ?? undefined;
          if (e.type === 'start') seen.total = e.iterations;
          if (e.type === 'export') seen.exported = true;
          if (e.type === 'preview') seen.preview = e.path;
          reporter.event(event);
        },
        stopping: () => reporter.stopping(),
        stderrLine: options.debug ? (line) => process.stderr.write(`${line}\n`) : undefined,
      },
      spec.script,
    );
  } finally {
    reporter.stop();
  }

  if (seen.error !== undefined) throw exit.code === 2 ? new UsageError(seen.error) : new VivifyError(seen.error);
  const exported = exit.code === 0 && seen.exported === true;
  // Stopped before anything was exported: before the first iteration, or a second Ctrl-C.
  if (!exported && (exit.interrupted || seen.stoppedAt !== undefined)) throw new TrainingStoppedError(stoppedSentence(out, seen, spec.trainer));
  if (!exported) {
    const last = exit.stderrTail.filter((line) => line.trim()).at(-1) ?? 'no message';
    throw new VivifyError(`the trainer (${python}) failed with exit status ${exit.code ?? exit.signal}: ${last}${options.debug ? '' : ' (--debug shows all it printed)'}`);
  }

  await spec.checkExport(out, reporter);

  const { metadata, model } = await spec.register(out, id);
  const entry = await registerLocalModel(store, model);
  reporter.registered({
    id,
    folder: modelFolder(store, id),
    files: entry.files.map((file) => ({ name: file.name, size: file.size ?? 0, sha256: file.sha256 ?? '' })),
    iterations: metadata.iterations,
    seconds: metadata.seconds,
    loss: metadata.loss,
    commands: spec.commands(id, metadata, store),
    preview: seen.preview,
  });
  // Stopped early but exported: the model is usable; Ctrl-C still ends with 130, as an interrupted command does.
  if (typeof seen.stoppedAt === 'number') {
    const sentence = `training stopped at iteration ${seen.stoppedAt}${seen.total ? ` of ${seen.total}` : ''} (${exit.interrupted || seen.stopReason === 'signal' ? 'Ctrl-C' : `--stop-after ${options.stopAfter} min`}); the model at that point is registered as "${id}"; ${resumeCommand(out, spec.trainer)} continues`;
    if (exit.interrupted || seen.stopReason === 'signal') throw new TrainingStoppedError(sentence);
    reporter.stopped(sentence);
  }
}

/** --export-only exports the checkpoint as it is: options that would change or continue the training contradict it. */
function exportOnlyProblem(
  options: { resume?: boolean; iters?: number; stopAfter?: number; preset?: string; size?: number; batch?: number; scales?: number },
  out: string,
): void {
  const given = (
    [
      ['--resume', options.resume],
      ['--iters', options.iters],
      ['--stop-after', options.stopAfter],
      ['--preset', options.preset],
      ['--size', options.size],
      ['--batch', options.batch],
      ['--scales', options.scales],
    ] as const
  )
    .filter(([, value]) => value !== undefined && value !== false)
    .map(([flag]) => flag);
  if (given.length > 0) throw new UsageError(`--export-only exports the checkpoint in ${out} as it is; leave out ${given.join(' and ')}`);
}

/** The data of a two-sided trainer: the folders --a and --b, or the checkpoint's, each checked to hold faces. */
function twoFolders(noFolders: string) {
  return async (options: { a?: string; b?: string; exportOnly?: boolean }, _out: string, summary: CheckpointSummary | undefined): Promise<string[]> => {
    const a = options.a ?? summary?.a?.folder;
    const b = options.b ?? summary?.b?.folder;
    if (!a || !b) throw new UsageError(noFolders);
    // An export reads the checkpoint only: the faces may have moved since.
    if (!options.exportOnly) {
      await countFaces(resolve(a), '--a');
      await countFaces(resolve(b), '--b');
    }
    return ['--a', resolve(a), '--b', resolve(b)];
  };
}

/** The model's id where --name is not given: deepfakes-<the model folder's name>, made a valid id. */
export function defaultModelId(modelDir: string): string {
  const stem = basename(modelDir)
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+|-+$/g, '');
  return stem.startsWith('deepfakes') ? stem : `deepfakes-${stem || 'model'}`;
}

/** Both directions' ONNX signature: an aligned crop in, the decoded face and its mask out, at the trained size. */
function swapSignature(metadata: DeepfakesMetadata): CatalogSignature {
  const { size } = metadata;
  return {
    inputs: [{ name: metadata.input, type: 'float32', shape: [1, 3, size, size] }],
    outputs: [
      { name: 'face', type: 'float32', shape: [1, 3, size, size] },
      { name: 'mask', type: 'float32', shape: [1, 1, size, size] },
    ],
  };
}

/** The record a trainer exports beside its ONNX files (deepfakes.json, cyclegan.json, pix2pix.json), checked. */
async function readTrainedMetadata<T>(modelDir: string, file: string, schema: z.ZodType<T>): Promise<T> {
  const path = join(modelDir, file);
  try {
    return schema.parse(JSON.parse(await readFile(path, 'utf8')));
  } catch (error) {
    throw new VivifyError(`${path} cannot be read (${messageOf(error)}); the export is incomplete`);
  }
}

function resumeCommand(out: string, trainer: string): string {
  return `vivify train ${trainer} --out ${shellWord(out)} --resume`;
}

/** A stop with nothing exported: what is kept, and the two ways on (--resume, or --export-only for the model as it is). */
function stoppedSentence(out: string, seen: Seen, trainer: string): string {
  const next = `${resumeCommand(out, trainer)} continues, vivify train ${trainer} --out ${shellWord(out)} --export-only exports it as it is`;
  if (typeof seen.stoppedAt === 'number' && seen.stoppedAt > 0) {
    return `training stopped at iteration ${seen.stoppedAt}${seen.total ? ` of ${seen.total}` : ''} and saved a checkpoint in ${out}; ${next}`;
  }
  if (seen.lastCheckpoint !== undefined && seen.lastCheckpoint > 0) return `training stopped at once; the checkpoint of iteration ${seen.lastCheckpoint} is kept in ${out}; ${next}`;
  return 'training stopped before its first iteration; there is nothing to export or resume';
}

// ---------------------------------------------------------------------------------------------------------------------
// vivify train cyclegan


export interface TrainCycleganOptions extends Omit<TrainDeepfakesOptions, 'preset'> {
  preset?: (typeof cycleganPresets)[number];
}

/** The two directions the trainer exports: A -> B is generator.onnx, what the cyclegan node opens by default. */
const cycleganFiles = [
  { name: 'generator.onnx', direction: 'A → B' },
  { name: 'generator_b2a.onnx', direction: 'B → A' },
] as const;

/** `vivify train cyclegan`: checks, runs models/train/cyclegan_train.py, checks both ONNX exports and registers them. */
export async function trainCycleganCommand(options: TrainCycleganOptions): Promise<void> {
  type Losses = NonNullable<CycleganMetadata['loss']['last']>;
  await trainCommand(options, {
    trainer: 'cyclegan',
    // cyclegan-<the model folder's name>, made a valid id.
    defaultId: (modelDir: string) => defaultCycleganId(basename(modelDir)),
    data: twoFolders('--a and --b name the two folders of .png pictures to train on (vivify extract, or ffmpeg, makes them)'),
    sizeProblem: (size) => (size % 4 !== 0 || size < 32 ? `--size ${size}: the crop size must be a multiple of 4, at least 32` : undefined),
    reporter: (json) => (json ? jsonTrainingReporter<CycleganTrainerEvent, Losses>() : terminalCycleganReporter()),
    script: { path: cycleganTrainScript, events: cycleganTrainerEvent },
    metadataFile: 'cyclegan.json',
    exportFiles: cycleganFiles.map(({ name }) => name),
    commands: (id, metadata: CycleganMetadata, store) => styleCommands(id, metadata.a.folder, metadata.b.folder, store),
    async checkExport(out, reporter) {
      const bad: string[] = [];
      for (const { name } of cycleganFiles) {
        const maxDifference = await checkCycleganReference(join(out, name), join(out, name.replace(/\.onnx$/, '.reference.json')));
        const ok = maxDifference <= cycleganTolerance;
        reporter.check({ file: name, maxDifference, outputs: { styled: maxDifference }, ok });
        if (!ok) bad.push(name);
      }
      if (bad.length > 0) {
        throw new VivifyError(`${bad.join(' and ')} do not reproduce PyTorch's output within ${cycleganTolerance} under onnxruntime; the model was not registered`);
      }
    },
    async register(out, id) {
      const metadata = await readTrainedMetadata(out, 'cyclegan.json', cycleganMetadata);
      return {
        metadata,
        model: {
          id,
          title: `CycleGAN ${basename(metadata.a.folder)} → ${basename(metadata.b.folder)}`,
          task: 'style',
          licence: 'trained by you',
          homepage: cycleganHomepage,
          notes:
            `Trained with vivify train cyclegan from ${metadata.a.folder} (A, ${metadata.a.faces} pictures) and ${metadata.b.folder} (B, ${metadata.b.faces} pictures): ` +
            `preset ${metadata.preset} (ngf ${metadata.ngf}, ${metadata.n_blocks} residual blocks), ${metadata.size} px crops, ${metadata.iterations} iterations in ${Math.round(metadata.seconds)} s on ${metadata.device}. ` +
            `generator.onnx turns A into B (what the cyclegan node opens), generator_b2a.onnx B into A. Input image, output styled: RGB 0..1, [1,3,height,width], multiples of 4.`,
          files: cycleganFiles.map(({ name }) => ({ name, path: join(out, name), signature: cycleganSignature })),
        },
      };
    },
  });
}

// ---------------------------------------------------------------------------------------------------------------------
// vivify train pix2pix

export interface TrainPix2pixOptions extends TrainingOptions {
  preset?: (typeof pix2pixPresets)[number];
  /** PatchGANs at this many scales; above 1 with pix2pixHD's feature matching. */
  scales?: number;
}

/**
 * `vivify train pix2pix <target>...`: the target's videos extracted (or its face folders taken as they are), a
 * landmark sketch drawn for every crop, models/train/pix2pix_train.py run on the pairs, its ONNX export checked and
 * registered as pix2pix-<name of --out>, the model the pix2pix-face node's default "pix2pix" then stands for.
 */
export async function trainPix2pixCommand(targets: string[], options: TrainPix2pixOptions): Promise<void> {
  await trainCommand(options, {
    trainer: 'pix2pix',
    defaultId: (modelDir: string) => importedModelId(pix2pixImportId, basename(modelDir)),
    async data(options, out, summary) {
      // An export reads the checkpoint only.
      if (options.exportOnly) {
        if (targets.length > 0) throw new UsageError(`--export-only exports the checkpoint in ${out} as it is; leave out the targets`);
        return [];
      }
      if (targets.length === 0) {
        const pairs = join(out, pairsFolderName);
        if (!options.resume) throw new UsageError('name the target to train on: its videos, or folders vivify extract made from them (vivify train pix2pix <target>... --out <dir>)');
        if (!existsSync(join(pairs, 'pairs.json'))) throw new UsageError(`${out} holds no training pairs (pairs/pairs.json) to resume with; name the target's videos or face folders again`);
        return ['--pairs', pairs];
      }
      const size = summary?.size ?? options.size ?? pix2pixPresetSizes[options.preset ?? 'small'];
      const made = await makePix2pixPairs(targets, out, size, { json: options.json });
      return ['--pairs', made.folder];
    },
    sizeProblem: (size) =>
      size < 32 || (size & (size - 1)) !== 0 ? `--size ${size}: a pix2pix U-Net halves the face down to one pixel, so the size must be a power of two, at least 32 (64, 128, 256, 512)` : undefined,
    extraArgs(options) {
      if (options.scales === undefined) return [];
      if (options.scales > 4) throw new UsageError(`--scales ${options.scales}: at most 4 (each scale halves the picture again)`);
      return ['--scales', String(options.scales)];
    },
    reporter: (json) => (json ? jsonTrainingReporter<Pix2pixTrainerEvent, Pix2pixLosses>() : terminalPix2pixReporter()),
    script: { path: pix2pixTrainScript, events: pix2pixTrainerEvent },
    metadataFile: 'pix2pix.json',
    exportFiles: ['pix2pix.onnx'],
    commands: (id, _metadata, store) => pix2pixCommands(id, store),
    checkExport: checkExportFiles,
    async register(out, id) {
      const metadata = await readTrainedMetadata(out, 'pix2pix.json', pix2pixMetadata);
      const loss = metadata.loss.first && metadata.loss.last ? `, L1 ${metadata.loss.first.L1.toFixed(4)} → ${metadata.loss.last.L1.toFixed(4)}` : '';
      return {
        metadata,
        model: {
          id,
          title: `pix2pix face generator ${basename(out)}`,
          task: pix2pixTask,
          licence: 'trained by you',
          homepage: pix2pixHomepage,
          notes:
            `Trained with vivify train pix2pix on ${metadata.pairs.faces} landmark sketches and face crops (${metadata.pairs.folder}): preset ${metadata.preset}, ` +
            `U-Net ${metadata.size} px (ngf ${metadata.ngf}, ${metadata.downs} levels), ${metadata.scales === 1 ? 'PatchGAN' : `${metadata.scales}-scale PatchGAN with feature matching`}, ` +
            `${metadata.iterations} iterations in ${Math.round(metadata.seconds)} s on ${metadata.device}${loss}. ` +
            `pix2pix.onnx: input sketch (runtime/draw/face-sketch.ts), output face, planar RGB 0..1, [1,3,${metadata.size},${metadata.size}].`,
          files: pix2pixModelFiles(out, metadata.size),
        },
      };
    },
  });
}

