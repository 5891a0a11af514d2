import cliProgress from 'cli-progress';
import type { ExportCheck } from './export-check.ts';
import type { CycleganTrainerEvent, TrainerEvent, TrainerEventOf } from './trainer-events.ts';

/** What `vivify train` shows: a progress bar on a terminal, plain lines on a pipe, JSON lines with --json. */
export interface TrainingReporter<E = TrainerEvent, L = { a: number; b: number }> {
  event(event: E): void;
  stopping(): void;
  check(result: ExportCheck): void;
  registered(model: RegisteredModel<L>): void;
  stop(): void;
}

export interface RegisteredModel<L = { a: number; b: number }> {
  id: string;
  folder: string;
  files: { name: string; size: number; sha256: string }[];
  iterations: number;
  seconds: number;
  loss: { first: L | null; last: L | null };
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
    registered: (model) => line({ type: 'done', model: model.id, path: model.folder, files: model.files, iterations: model.iterations, seconds: model.seconds, loss: model.loss }),
    stop() {},
  };
}

/** A bar with the losses and speed on a terminal's stderr; on a pipe, a plain line every ten seconds. */
export function terminalTrainingReporter(): TrainingReporter {
  const interactive = Boolean(process.stderr.isTTY);
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: 'Training |{bar}| {value}/{total} it | loss A {loss_a} B {loss_b} | {speed} it/s | ETA {eta_formatted}',
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
  const progressText = (p: TrainerEventOf<'progress'>) =>
    `iteration ${p.iteration}/${p.iterations}: loss A ${p.loss_a.toFixed(4)}, B ${p.loss_b.toFixed(4)}, ${p.it_per_s.toFixed(2)} it/s`;
  return {
    event(event) {
      if (event.type === 'start') {
        const from = event.resumed ? `, resuming at iteration ${event.iteration}` : '';
        err(
          `Training DeepFakes (preset ${event.preset}, ${event.size} px, ${(event.parameters / 1e6).toFixed(1)}M parameters, batch ${event.batch}) on ${event.device}: ` +
            `${event.faces.a} faces of A, ${event.faces.b} of B, ${event.iterations} iterations${from}`,
        );
        if (interactive) {
          bar.start(event.iterations, event.iteration, { loss_a: '-', loss_b: '-', speed: '-' });
          barRunning = true;
        }
      } else if (event.type === 'progress') {
        if (barRunning) {
          bar.update(event.iteration, { loss_a: event.loss_a.toFixed(4), loss_b: event.loss_b.toFixed(4), speed: event.it_per_s.toFixed(2) });
        } else if (!interactive && (performance.now() - lastPlain >= 10_000 || event.iteration === event.iterations)) {
          lastPlain = performance.now();
          err(progressText(event));
        }
      } else if (event.type === 'export') {
        stopBar();
        err(`Exported ${event.files.join(' and ')} (iteration ${event.iteration})`);
      }
    },
    stopping() {
      stopBar();
      err('Stopping: the trainer finishes this iteration and saves a checkpoint (Ctrl-C again stops at once, keeping the last checkpoint)');
    },
    check(result) {
      stopBar();
      const verdict = result.ok ? 'onnxruntime reproduces PyTorch' : 'onnxruntime does NOT reproduce PyTorch';
      out(`${result.file}: ${verdict} (largest difference ${result.maxDifference.toExponential(1)})`);
    },
    registered(model) {
      const speed = model.seconds > 0 ? ` (${(model.iterations / model.seconds).toFixed(2)} it/s)` : '';
      const loss =
        model.loss.first && model.loss.last
          ? `; reconstruction loss A ${model.loss.first.a.toFixed(4)} → ${model.loss.last.a.toFixed(4)}, B ${model.loss.first.b.toFixed(4)} → ${model.loss.last.b.toFixed(4)}`
          : '';
      out(`Trained ${model.iterations} iterations in ${model.seconds.toFixed(1)} s${speed}${loss}`);
      out(`Registered "${model.id}" in the model store: ${model.folder}`);
      out(`Swap faces with it: vivify render presets/deepfakes-swap.json --driving <video> -o out.mp4 --set swap.model=${model.id}`);
    },
    stop: stopBar,
  };
}

type CycleganLosses = { G: number; D_A: number; D_B: number; cycle: number; identity: number };

/** `vivify train cyclegan` on a terminal: a bar with the generators' and discriminators' losses; plain lines on a pipe. */
export function terminalCycleganReporter(): TrainingReporter<CycleganTrainerEvent, CycleganLosses> {
  const interactive = Boolean(process.stderr.isTTY);
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: 'Training |{bar}| {value}/{total} it | G {g} cycle {cycle} D {d} | {speed} it/s | ETA {eta_formatted}',
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
        const from = event.resumed ? `, resuming at iteration ${event.iteration}` : '';
        err(
          `Training CycleGAN (preset ${event.preset}, ${event.size} px crops, ${(event.parameters / 1e6).toFixed(2)}M parameters per generator, batch ${event.batch}) on ${event.device}: ` +
            `${event.faces.a} pictures of A, ${event.faces.b} of B, ${event.iterations} iterations${from}`,
        );
        if (interactive) {
          bar.start(event.iterations, event.iteration, { g: '-', cycle: '-', d: '-', speed: '-' });
          barRunning = true;
        }
      } else if (event.type === 'progress') {
        const d = ((event.loss_D_A + event.loss_D_B) / 2).toFixed(3);
        if (barRunning) {
          bar.update(event.iteration, { g: event.loss_G.toFixed(3), cycle: event.loss_cycle.toFixed(3), d, speed: event.it_per_s.toFixed(2) });
        } else if (!interactive && (performance.now() - lastPlain >= 10_000 || event.iteration === event.iterations)) {
          lastPlain = performance.now();
          err(`iteration ${event.iteration}/${event.iterations}: G ${event.loss_G.toFixed(3)}, cycle ${event.loss_cycle.toFixed(3)}, identity ${event.loss_identity.toFixed(3)}, D_A ${event.loss_D_A.toFixed(3)}, D_B ${event.loss_D_B.toFixed(3)}, ${event.it_per_s.toFixed(2)} it/s`);
        }
      } else if (event.type === 'export') {
        stopBar();
        err(`Exported ${event.files.join(' and ')} (iteration ${event.iteration})`);
      }
    },
    stopping() {
      stopBar();
      err('Stopping: the trainer finishes this iteration and saves a checkpoint (Ctrl-C again stops at once, keeping the last checkpoint)');
    },
    check(result) {
      stopBar();
      const verdict = result.ok ? 'onnxruntime reproduces PyTorch' : 'onnxruntime does NOT reproduce PyTorch';
      out(`${result.file}: ${verdict} (largest difference ${result.maxDifference.toExponential(1)})`);
    },
    registered(model) {
      const speed = model.seconds > 0 ? ` (${(model.iterations / model.seconds).toFixed(2)} it/s)` : '';
      const loss = model.loss.first && model.loss.last ? `; cycle loss ${model.loss.first.cycle.toFixed(3)} → ${model.loss.last.cycle.toFixed(3)}` : '';
      out(`Trained ${model.iterations} iterations in ${model.seconds.toFixed(1)} s${speed}${loss}`);
      out(`Registered "${model.id}" in the model store: ${model.folder} (generator.onnx A→B, generator_b2a.onnx B→A)`);
      out(`Style a video with it: vivify render <preset with a cyclegan node> --set <node>.model=${model.id}`);
    },
    stop: stopBar,
  };
}
