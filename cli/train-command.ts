import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { UsageError, VivifyError, messageOf } from '../runtime/errors.ts';
import type { CatalogSignature } from '../models/catalog.ts';
import { localModelIdProblem, modelFolder, registerLocalModel, resolveModelsDir } from '../models/store/index.ts';
import { checkExport, exportTolerance } from '../models/train/export-check.ts';
import { requireTorch, trainingPython } from '../models/train/python-torch.ts';
import { checkCycleganReference, cycleganSignature, cycleganTolerance } from '../models/convert/cyclegan-convert.ts';
import { cycleganHomepage, defaultCycleganId } from '../models/convert/cyclegan-import.ts';
import { cycleganTrainScript, runTrainer, type TrainerScript } from '../models/train/run-trainer.ts';
import {
  cycleganMetadata,
  cycleganTrainerEvent,
  deepfakesMetadata,
  type CycleganMetadata,
  type CycleganTrainerEvent,
  type DeepfakesMetadata,
} from '../models/train/trainer-events.ts';
import { countFaces, hasCheckpoint, readCheckpointSummary } from '../models/train/training-folders.ts';
import { readTrainingStatus } from '../models/train/training-status.ts';
import { printTrainingStatus } from './train-status.ts';
import { shellWord, styleCommands, swapCommands, type NextCommand } from './train-next-steps.ts';
import { jsonTrainingReporter, terminalCycleganReporter, terminalTrainingReporter, type TrainingReporter } from '../models/train/training-reporter.ts';
import { cycleganPresets, deepfakesPresets } from './option-choices.ts';

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
    noFolders: '--a and --b name the two folders of aligned faces to train on (vivify extract makes them)',
    sizeStep: 16,
    sizeProblem: (size) => `--size ${size}: the face size must be a multiple of 16, at least 32`,
    reporter: (json) => (json ? jsonTrainingReporter() : terminalTrainingReporter()),
    script: undefined,
    metadataFile: 'deepfakes.json',
    exportFiles: ['deepfakes_a2b.onnx', 'deepfakes_b2a.onnx'],
    commands: (id, metadata, store) => swapCommands(id, metadata.a.folder, metadata.b.folder, store),
    async checkExport(out, reporter) {
      const checks = await checkExport(out);
      for (const check of checks) reporter.check(check);
      const bad = checks.filter((check) => !check.ok);
      if (bad.length > 0) {
        throw new VivifyError(
          `${bad.map((check) => check.file).join(' and ')} do not reproduce PyTorch's outputs within ${exportTolerance} under onnxruntime; the model was not registered`,
        );
      }
    },
    async register(out, id) {
      const metadata = await readMetadata(out);
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

type Seen = {
  error?: string;
  stoppedAt?: number | null;
  stopReason?: 'signal' | 'time' | null;
  lastCheckpoint?: number;
  total?: number;
  exported?: boolean;
  preview?: string;
};

type TrainedMetadata<L> = { iterations: number; seconds: number; loss: { first: L | null; last: L | null }; a: { folder: string }; b: { folder: string } };

/** What differs between `vivify train deepfakes` and `vivify train cyclegan`. */
interface TrainerSpec<E extends { type: string }, L, M extends TrainedMetadata<L>> {
  trainer: string;
  defaultId(out: string): string;
  noFolders: string;
  sizeStep: number;
  sizeProblem(size: number): string;
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

/** The flow both trainers share: checks, the trainer's run and its report, the export check and the registration. */
async function trainCommand<E extends { type: string }, L, M extends TrainedMetadata<L>>(
  options: Omit<TrainDeepfakesOptions, 'preset'> & { preset?: string },
  spec: TrainerSpec<E, L, M>,
): Promise<void> {
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
  const a = options.a ?? summary?.a?.folder;
  const b = options.b ?? summary?.b?.folder;
  if (!a || !b) throw new UsageError(spec.noFolders);
  // An export reads the checkpoint only: the faces may have moved since.
  if (!options.exportOnly) {
    await countFaces(resolve(a), '--a');
    await countFaces(resolve(b), '--b');
  }
  if (options.size !== undefined && (options.size % spec.sizeStep !== 0 || options.size < 32)) {
    throw new UsageError(spec.sizeProblem(options.size));
  }
  if (summary && options.iters !== undefined && options.iters < summary.iteration) {
    throw new UsageError(`--iters ${options.iters}: the checkpoint in ${out} is at iteration ${summary.iteration} already (--iters counts all iterations, not more of them)`);
  }
  const id = options.name ?? spec.defaultId(out);
  const idProblem = localModelIdProblem(id);
  if (idProblem) throw new UsageError(`${options.name === undefined ? `the model's name from ${out}` : '--name'}: ${idProblem}`);
  const store = resolveModelsDir(options.modelsDir);

  const args = ['--a', resolve(a), '--b', resolve(b), '--out', out];
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
function exportOnlyProblem(options: { resume?: boolean; iters?: number; stopAfter?: number; preset?: string; size?: number; batch?: number }, out: string): void {
  const given = (
    [
      ['--resume', options.resume],
      ['--iters', options.iters],
      ['--stop-after', options.stopAfter],
      ['--preset', options.preset],
      ['--size', options.size],
      ['--batch', options.batch],
    ] as const
  )
    .filter(([, value]) => value !== undefined && value !== false)
    .map(([flag]) => flag);
  if (given.length > 0) throw new UsageError(`--export-only exports the checkpoint in ${out} as it is; leave out ${given.join(' and ')}`);
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

async function readMetadata(modelDir: string): Promise<DeepfakesMetadata> {
  const path = join(modelDir, 'deepfakes.json');
  try {
    return deepfakesMetadata.parse(JSON.parse(await readFile(path, 'utf8')));
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
    noFolders: '--a and --b name the two folders of .png pictures to train on (vivify extract, or ffmpeg, makes them)',
    sizeStep: 4,
    sizeProblem: (size) => `--size ${size}: the crop size must be a multiple of 4, at least 32`,
    reporter: (json) => (json ? jsonTrainingReporter<CycleganTrainerEvent, Losses>() : terminalCycleganReporter()),
    script: { path: cycleganTrainScript, events: cycleganTrainerEvent },
    metadataFile: 'cyclegan.json',
    exportFiles: cycleganFiles.map(({ name }) => name),
    commands: (id, metadata, store) => styleCommands(id, metadata.a.folder, metadata.b.folder, store),
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
      const metadata = await readCycleganMetadata(out);
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

async function readCycleganMetadata(modelDir: string): Promise<CycleganMetadata> {
  const path = join(modelDir, 'cyclegan.json');
  try {
    return cycleganMetadata.parse(JSON.parse(await readFile(path, 'utf8')));
  } catch (error) {
    throw new VivifyError(`${path} cannot be read (${messageOf(error)}); the export is incomplete`);
  }
}
