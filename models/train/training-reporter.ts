import cliProgress from 'cli-progress';
import type { ExportCheck } from './export-check.ts';
import type { CycleganTrainerEvent, Pix2pixLosses, Pix2pixTrainerEvent, TrainerEvent, TrainerEventOf } from './trainer-events.ts';

/** What `vivify train` shows: a progress bar on a terminal, plain lines on a pipe, JSON lines with --json. */
export interface TrainingReporter<E = TrainerEvent, L = { a: number; b: number }> {
  event(event: E): void;
  stopping(): void;
  check(result: ExportCheck): void;
  registered(model: RegisteredModel<L>): void;
  /** A stop the user planned (--stop-after): the sentence that says where it stopped and how to go on. */
  stopped(sentence: string): void;
  stop(): void;
}

export interface RegisteredModel<L = { a: number; b: number }> {
  id: string;
  folder: string;
  files: { name: string; size: number; sha256: string }[];
  iterations: number;
  seconds: number;
  loss: { first: L | null; last: L | null };
  /** The commands that use it, with the model's id and store filled in. */
  commands: { label: string; command: string }[];
  /** The last preview grid written. */
  preview?: string;
}

const err = (text: string) => process.stderr.write(`${text}\n`);
const out = (text: string) => process.stdout.write(`${text}\n`);

/** JSON lines on stdout: the trainer's own events as they come, then the check, the registration and `done`. */
export function jsonTrainingReporter<E extends { type: string } = TrainerEvent, L = { a: number; b: number }>(): TrainingReporter<E, L> {
  const line = (event: object) => out(JSON.stringify(event));
  return {
    event(event) {
      // `done` is this command's to say, once the model is checked and registered; errors end the command.
      if (event.type !== 'done' && event.type !== 'error') line(event);
    },
    stopping: () => line({ type: 'stopping' }),
    check: (result) => line({ type: 'check', ...result }),
    registered: (model) =>
      line({
        type: 'done',
        model: model.id,
        path: model.folder,
        files: model.files,
        iterations: model.iterations,
        seconds: model.seconds,
        loss: model.loss,
        commands: model.commands,
        ...(model.preview ? { preview: model.preview } : {}),
      }),
    stopped() {},
    stop() {},
  };
}

/** What differs between the trainers' terminal reporters. */
interface TerminalStyle<E, L> {
  format: string;
  /** The bar's payload before the first progress event. */
  empty: Record<string, string>;
  startLine(start: Extract<E, { type: 'start' }>): string;
  payload(progress: Extract<E, { type: 'progress' }>): Record<string, string>;
  plainLine(progress: Extract<E, { type: 'progress' }>): string;
  lossText(first: L, last: L): string;
  registeredLines(model: RegisteredModel<L>): string[];
}

type Progressing = { type: string; iteration: number; iterations: number };
type Previewing = { previews?: string; preview_every?: number };

/** Where the preview grids go and when, said once at the start: users look there to judge the training. */
function previewLine(start: Previewing): string | undefined {
  if (!start.previews) return undefined;
  const when = start.preview_every ? `every ${start.preview_every} iterations and when training stops` : 'when training stops';
  return `Previews: ${start.previews}/preview_<iteration>.png, written ${when}`;
}

/** A bar with the losses and speed on a terminal's stderr; on a pipe, a plain line every ten seconds. */
function terminalReporter<E extends { type: string }, L>(style: TerminalStyle<E, L>): TrainingReporter<E, L> {
  const interactive = Boolean(process.stderr.isTTY);
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: style.format,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let barRunning = false;
  let lastPlain = 0;
  const stopBar = () => {
    if (barRunning) bar.stop();
    barRunning = false;
  };
  return {
    event(event) {
      if (event.type === 'start') {
        const start = event as Extract<E, { type: 'start' }> & Progressing;
        err(style.startLine(start));
        const previews = previewLine(start as Previewing);
        if (previews) err(previews);
        if (interactive) {
          bar.start(start.iterations, start.iteration, style.empty);
          barRunning = true;
        }
      } else if (event.type === 'progress') {
        const progress = event as Extract<E, { type: 'progress' }> & Progressing;
        if (barRunning) {
          bar.update(progress.iteration, style.payload(progress));
        } else if (!interactive && (performance.now() - lastPlain >= 10_000 || progress.iteration === progress.iterations)) {
          lastPlain = performance.now();
          err(style.plainLine(progress));
        }
      } else if (event.type === 'preview' && !barRunning) {
        const preview = event as unknown as { path: string; iteration: number };
        err(`Preview of iteration ${preview.iteration}: ${preview.path}`);
      } else if (event.type === 'export') {
        const exported = event as unknown as { files: string[]; iteration: number };
        stopBar();
        err(`Exported ${exported.files.join(' and ')} (iteration ${exported.iteration})`);
      }
    },
    stopping() {
      stopBar();
      err('Stopping: the trainer finishes this iteration, saves a checkpoint and exports the model as it is (Ctrl-C again stops at once, keeping the last checkpoint)');
    },
    check(result) {
      stopBar();
      const verdict = result.ok ? 'onnxruntime reproduces PyTorch' : 'onnxruntime does NOT reproduce PyTorch';
      out(`${result.file}: ${verdict} (largest difference ${result.maxDifference.toExponential(1)})`);
    },
    registered(model) {
      const speed = model.seconds > 0 ? ` (${(model.iterations / model.seconds).toFixed(2)} it/s)` : '';
      const loss = model.loss.first && model.loss.last ? style.lossText(model.loss.first, model.loss.last) : '';
      out(`Trained ${model.iterations} iterations in ${model.seconds.toFixed(1)} s${speed}${loss}`);
      for (const line of style.registeredLines(model)) out(line);
      for (const command of model.commands) out(`  ${command.label}:\n    ${command.command}`);
      if (model.preview) out(`Latest preview: ${model.preview}`);
    },
    stopped(sentence) {
      stopBar();
      err(sentence);
    },
    stop: stopBar,
  };
}

const resumedAt = (event: { resumed: boolean; iteration: number }) => (event.resumed ? `, resuming at iteration ${event.iteration}` : '');

/** `vivify train deepfakes` on a terminal: a bar with both reconstruction losses; plain lines on a pipe. */
export function terminalTrainingReporter(): TrainingReporter {
  return terminalReporter<TrainerEvent, { a: number; b: number }>({
    format: 'Training |{bar}| {value}/{total} it | loss A {loss_a} B {loss_b} | {speed} it/s | ETA {eta_formatted}',
    empty: { loss_a: '-', loss_b: '-', speed: '-' },
    startLine: (event) =>
      `Training DeepFakes (preset ${event.preset}, ${event.size} px, ${(event.parameters / 1e6).toFixed(1)}M parameters, batch ${event.batch}) on ${event.device}: ` +
      `${event.faces.a} faces of A, ${event.faces.b} of B, ${event.iterations} iterations${resumedAt(event)}`,
    payload: (p) => ({ loss_a: p.loss_a.toFixed(4), loss_b: p.loss_b.toFixed(4), speed: p.it_per_s.toFixed(2) }),
    plainLine: (p: TrainerEventOf<'progress'>) =>
      `iteration ${p.iteration}/${p.iterations}: loss A ${p.loss_a.toFixed(4)}, B ${p.loss_b.toFixed(4)}, ${p.it_per_s.toFixed(2)} it/s`,
    lossText: (first, last) => `; reconstruction loss A ${first.a.toFixed(4)} → ${last.a.toFixed(4)}, B ${first.b.toFixed(4)} → ${last.b.toFixed(4)}`,
    registeredLines: (model) => [`Registered "${model.id}" in the model store: ${model.folder}`, 'Swap faces with it:'],
  });
}

type CycleganLosses = { G: number; D_A: number; D_B: number; cycle: number; identity: number };

/** `vivify train cyclegan` on a terminal: a bar with the generators' and discriminators' losses; plain lines on a pipe. */
export function terminalCycleganReporter(): TrainingReporter<CycleganTrainerEvent, CycleganLosses> {
  return terminalReporter<CycleganTrainerEvent, CycleganLosses>({
    format: 'Training |{bar}| {value}/{total} it | G {g} cycle {cycle} D {d} | {speed} it/s | ETA {eta_formatted}',
    empty: { g: '-', cycle: '-', d: '-', speed: '-' },
    startLine: (event) =>
      `Training CycleGAN (preset ${event.preset}, ${event.size} px crops, ${(event.parameters / 1e6).toFixed(2)}M parameters per generator, batch ${event.batch}) on ${event.device}: ` +
      `${event.faces.a} pictures of A, ${event.faces.b} of B, ${event.iterations} iterations${resumedAt(event)}`,
    payload: (event) => ({
      g: event.loss_G.toFixed(3),
      cycle: event.loss_cycle.toFixed(3),
      d: ((event.loss_D_A + event.loss_D_B) / 2).toFixed(3),
      speed: event.it_per_s.toFixed(2),
    }),
    plainLine: (event) =>
      `iteration ${event.iteration}/${event.iterations}: G ${event.loss_G.toFixed(3)}, cycle ${event.loss_cycle.toFixed(3)}, identity ${event.loss_identity.toFixed(3)}, D_A ${event.loss_D_A.toFixed(3)}, D_B ${event.loss_D_B.toFixed(3)}, ${event.it_per_s.toFixed(2)} it/s`,
    lossText: (first, last) => `; cycle loss ${first.cycle.toFixed(3)} → ${last.cycle.toFixed(3)}`,
    registeredLines: (model) => [`Registered "${model.id}" in the model store: ${model.folder} (generator.onnx A→B, generator_b2a.onnx B→A)`, 'Style a video with it:'],
  });
}

/** `vivify train pix2pix` on a terminal: a bar with L1 (what the generator draws against the real face) and the GAN's losses. */
export function terminalPix2pixReporter(): TrainingReporter<Pix2pixTrainerEvent, Pix2pixLosses> {
  return terminalReporter<Pix2pixTrainerEvent, Pix2pixLosses>({
    format: 'Training |{bar}| {value}/{total} it | L1 {l1} G {g} D {d} | {speed} it/s | ETA {eta_formatted}',
    empty: { l1: '-', g: '-', d: '-', speed: '-' },
    startLine: (event) =>
      `Training pix2pix (preset ${event.preset}, ${event.size} px, ${(event.parameters / 1e6).toFixed(2)}M generator parameters, ` +
      `${event.scales === 1 ? 'one PatchGAN' : `${event.scales}-scale PatchGAN with feature matching`}, batch ${event.batch}) on ${event.device}: ` +
      `${event.faces.target} sketch and face pairs of the target, ${event.iterations} iterations${resumedAt(event)}`,
    payload: (event) => ({ l1: event.loss_L1.toFixed(4), g: event.loss_G_GAN.toFixed(3), d: event.loss_D.toFixed(3), speed: event.it_per_s.toFixed(2) }),
    plainLine: (event) =>
      `iteration ${event.iteration}/${event.iterations}: L1 ${event.loss_L1.toFixed(4)}, G ${event.loss_G_GAN.toFixed(3)}` +
      `${event.loss_G_feat > 0 ? `, features ${event.loss_G_feat.toFixed(3)}` : ''}, D ${event.loss_D.toFixed(3)}, ${event.it_per_s.toFixed(2)} it/s`,
    lossText: (first, last) => `; L1 ${first.L1.toFixed(4)} → ${last.L1.toFixed(4)}`,
    registeredLines: (model) => [`Registered "${model.id}" in the model store: ${model.folder} (pix2pix.onnx: sketch in, face out)`, 'Make the target speak with it:'],
  });
}
