import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Memory must not grow with the length of the video: the executor streams with a bounded number of frames in flight. */
export const clipFrameCounts = [300, 3000] as const;
/** The largest difference between the two peaks that still counts as "does not grow with length". */
export const maxPeakDifferencePercent = 10;

export interface MemoryRun {
  clipFrames: number;
  renderedFrames: number;
  outputFrames: number;
  seconds: number;
  fps: number;
  peakRssKiB: number;
  peakRssMiB: number;
  /** How many VmHWM readings succeeded; a handful would mean the peak near the end may be missing. */
  samples: number;
}

export interface MemoryResult {
  runs: MemoryRun[];
  peakDifferencePercent: number;
  pass: boolean;
}

export type MemoryOutcome = { skipped: string } | MemoryResult;

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const sampleIntervalMs = 50;

/** Runs a command to its end, keeping its output; `onSpawn` sees the child's pid as soon as it exists. */
function runProcess(command: string, args: string[], cwd: string, onSpawn?: (pid: number) => () => void): Promise<Finished> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    let stop: (() => void) | undefined;
    child.on('spawn', () => {
      if (child.pid !== undefined) stop = onSpawn?.(child.pid);
    });
    child.on('error', (error) => {
      stop?.();
      reject(new Error(`${command}: ${error.message}`));
    });
    // 'exit' fires as soon as the process ends, before its pipes drain: stop sampling there.
    child.on('exit', () => stop?.());
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
  });
}

async function mustRun(command: string, args: string[], cwd: string): Promise<string> {
  const result = await runProcess(command, args, cwd);
  if (result.code !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.signal ?? `exit ${result.code}`}):\n${result.stderr.trim().slice(-2000)}`);
  }
  return result.stdout;
}

async function probe(path: string, entries: string): Promise<string> {
  const args = ['-v', 'error', '-select_streams', 'v:0', '-show_entries', `stream=${entries}`, '-of', 'csv=p=0', path];
  return (await mustRun('ffprobe', args, process.cwd())).trim();
}

/** Counts the video frames from the container's header (no decoding). */
async function videoFrames(path: string): Promise<number> {
  return Number(await probe(path, 'nb_frames'));
}

/** Loops `source` into a clip of exactly `frames` frames, re-encoded, with its audio cut to the same length. */
async function buildClip(source: string, sourceFrames: number, fps: number, frames: number, path: string): Promise<void> {
  const loops = Math.max(0, Math.ceil(frames / sourceFrames) - 1);
  // Each loop starts after the longer stream (the audio runs 11 ms past the video), leaving gaps in the timestamps
  // that made -t drop a frame: renumber both streams so they run on without gaps.
  const args = ['-v', 'error', '-y', '-stream_loop', String(loops), '-i', source, '-vf', 'setpts=N/FRAME_RATE/TB', '-af', 'asetpts=N/SR/TB'];
  // -frames:v makes the video exact; -t cuts the audio, which would otherwise run on to the end of the last loop.
  args.push('-frames:v', String(frames), '-t', String(frames / fps));
  args.push('-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', path);
  await mustRun('ffmpeg', args, process.cwd());
  const got = await videoFrames(path);
  if (got !== frames) throw new Error(`the ${frames}-frame driving clip came out with ${got} frames`);
}

/** VmHWM (peak resident set, kB) of a live process; undefined once it is gone or a zombie (no memory lines left). */
function readPeakKiB(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

interface DoneEvent {
  type: 'done';
  frames: number;
  seconds: number;
  fps: number;
}

function isDoneEvent(value: unknown): value is DoneEvent {
  if (typeof value !== 'object' || value === null) return false;
  const event = value as Record<string, unknown>;
  return event.type === 'done' && typeof event.frames === 'number' && typeof event.seconds === 'number' && typeof event.fps === 'number';
}

function lastDoneEvent(stdout: string): DoneEvent | undefined {
  for (const line of stdout.trim().split('\n').reverse()) {
    try {
      const parsed: unknown = JSON.parse(line);
      if (isDoneEvent(parsed)) return parsed;
    } catch {
      // Not a JSON line; the CLI prints only JSON with --json, but be lenient.
    }
  }
  return undefined;
}

async function renderClip(repoRoot: string, clip: string, clipFrames: number, output: string): Promise<MemoryRun> {
  let peakKiB = 0;
  let samples = 0;
  const sample = (pid: number) => {
    const value = readPeakKiB(pid);
    if (value === undefined) return;
    // VmHWM only rises, so the largest reading is the latest, and the peak up to that moment.
    peakKiB = Math.max(peakKiB, value);
    samples++;
  };
  const args = ['bin/vivify.js', 'render', 'presets/passthrough.json', '--driving', clip, '-o', output, '--json', '--set', 'out.preset=veryfast'];
  // process.execPath is the node running this benchmark, so both sides use the same version.
  const result = await runProcess(process.execPath, args, repoRoot, (pid) => {
    sample(pid);
    const timer = setInterval(() => sample(pid), sampleIntervalMs);
    return () => clearInterval(timer);
  });
  if (result.code !== 0) {
    throw new Error(`render of the ${clipFrames}-frame clip failed (${result.signal ?? `exit ${result.code}`}):\n${result.stderr.trim().slice(-2000)}`);
  }
  const done = lastDoneEvent(result.stdout);
  if (!done) throw new Error(`render of the ${clipFrames}-frame clip printed no {"type":"done"} line`);
  if (samples === 0) throw new Error(`could not read /proc/<pid>/status of the render (is this Linux?)`);
  const outputFrames = await videoFrames(output);
  if (outputFrames !== clipFrames || done.frames !== clipFrames) {
    throw new Error(`render of the ${clipFrames}-frame clip reported ${done.frames} frames and wrote ${outputFrames}`);
  }
  return {
    clipFrames,
    renderedFrames: done.frames,
    outputFrames,
    seconds: done.seconds,
    fps: done.fps,
    peakRssKiB: peakKiB,
    peakRssMiB: Math.round((peakKiB / 1024) * 10) / 10,
    samples,
  };
}

/** Renders a short and a ten-times-longer clip through the passthrough preset and compares the peak RSS of the CLI. */
export async function memoryBenchmark(repoRoot: string): Promise<MemoryOutcome> {
  const source = resolve(repoRoot, '../shared/media/driving/d20.mp4');
  if (!existsSync(source)) return { skipped: `${source} is missing (../shared/media is not checked out here)` };

  // One field per call: ffprobe prints fields in its own order, not the order asked for.
  const sourceFrames = await videoFrames(source);
  const [numerator, denominator] = (await probe(source, 'r_frame_rate')).split('/').map(Number);
  const fps = (numerator ?? NaN) / (denominator ?? 1);
  if (!(sourceFrames > 0 && fps > 0)) throw new Error(`cannot read the frame count and rate of ${source}`);

  const folder = await mkdtemp(join(tmpdir(), 'vivify-bench-'));
  try {
    const runs: MemoryRun[] = [];
    for (const frames of clipFrameCounts) {
      const clip = join(folder, `driving-${frames}.mp4`);
      await buildClip(source, sourceFrames, fps, frames, clip);
      // One at a time: two renders side by side would compete for the cores and blur the timings.
      runs.push(await renderClip(repoRoot, clip, frames, join(folder, `out-${frames}.mp4`)));
    }
    const [short, long] = [runs[0]!, runs[runs.length - 1]!];
    const peakDifferencePercent = Math.round((Math.abs(long.peakRssKiB - short.peakRssKiB) / short.peakRssKiB) * 1000) / 10;
    return { runs, peakDifferencePercent, pass: peakDifferencePercent < maxPeakDifferencePercent };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

export function formatMemoryTable(result: MemoryResult): string {
  const header = ['clip frames', 'rendered', 'seconds', 'fps', 'peak RSS (MiB)'];
  const rows = result.runs.map((run) => [run.clipFrames, run.renderedFrames, run.seconds.toFixed(1), run.fps.toFixed(1), run.peakRssMiB.toFixed(1)].map(String));
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padStart(widths[column]!)).join('  ');
  const verdict = result.pass ? 'PASS' : 'FAIL';
  return [
    line(header),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map(line),
    `peak RSS difference: ${result.peakDifferencePercent.toFixed(1)} % (limit ${maxPeakDifferencePercent} %): ${verdict}`,
  ].join('\n');
}
