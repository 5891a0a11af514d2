import cliProgress from 'cli-progress';
import { describeModelUse, describeTallies, type RunProgress, type RunSummary, type RunWarning } from '../runtime/executor.ts';

export interface ProgressReporter {
  progress(progress: RunProgress): void;
  warning(warning: RunWarning): void;
  done(summary: RunSummary, output: string | undefined): void;
  stop(): void;
}

/** JSON lines on stdout for programs (`--json`), one object per event. */
export function jsonReporter(): ProgressReporter {
  let last = 0;
  let held: RunProgress | undefined;
  const line = (event: object) => process.stdout.write(`${JSON.stringify(event)}\n`);
  const progressLine = (p: RunProgress) =>
    line({ type: 'progress', pass: p.pass, frame: p.frame, total: p.total, fps: round(p.fps), etaSeconds: p.etaSeconds === undefined ? null : round(p.etaSeconds) });
  return {
    progress(p) {
      // At most ten lines a second, and always the last frame of each pass (a scan may end before the last frame).
      if (held && held.pass !== p.pass) progressLine(held);
      held = undefined;
      const now = performance.now();
      if (p.frame < p.total && now - last < 100) {
        held = p;
        return;
      }
      last = now;
      progressLine(p);
    },
    warning: (w) => line({ type: 'warning', node: w.nodeId, message: w.message }),
    done: (s, output) =>
      line({
        type: 'done',
        output,
        frames: s.frames,
        seconds: round(s.seconds),
        fps: round(s.fps),
        provider: s.executionProvider,
        warnings: s.warnings.length,
        models: s.models.map((use) => ({ node: use.nodeId, model: use.label, provider: use.provider, runs: use.runs, ms: round(use.milliseconds) })),
        tallies: s.tallies,
      }),
    stop() {},
  };
}

/** A progress bar on a terminal (frames, fps, ETA); on a pipe, only warnings and the summary. */
export function terminalReporter(): ProgressReporter {
  const interactive = Boolean(process.stderr.isTTY);
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: '{pass} |{bar}| {value}/{total} frames | {fps} fps | ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 30,
    },
    cliProgress.Presets.shades_classic,
  );
  let started: RunProgress['pass'] | undefined;
  return {
    progress(p) {
      if (!interactive) return;
      if (started !== p.pass) {
        if (started) bar.stop();
        bar.start(p.total, 0, { fps: '0.0', pass: p.pass === 'scan' ? 'Scanning' : 'Rendering' });
        started = p.pass;
      }
      bar.update(p.frame, { fps: p.fps.toFixed(1) });
    },
    warning(w) {
      const text = `warning: ${w.nodeId ? `node "${w.nodeId}": ` : ''}${w.message}`;
      // On a terminal, clear the bar's line first; the bar redraws below on its next update.
      process.stderr.write(`${started ? '\r\x1b[K' : ''}${text}\n`);
    },
    done(s, output) {
      this.stop();
      const where = output ? `Wrote ${output}: ` : 'Done: ';
      process.stdout.write(
        `${where}${s.frames} frames in ${s.seconds.toFixed(1)} s (${s.fps.toFixed(1)} fps), execution provider ${s.executionProvider}` +
          `${s.warnings.length > 0 ? `, ${s.warnings.length} warning${s.warnings.length === 1 ? '' : 's'}` : ''}\n`,
      );
      // Users want to know which device ran each model, and what it cost.
      for (const use of s.models) {
        process.stdout.write(`  ${describeModelUse(use)}\n`);
      }
      for (const line of describeTallies(s.tallies)) process.stdout.write(`  ${line}\n`);
    },
    stop() {
      if (started) bar.stop();
      started = undefined;
    },
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
