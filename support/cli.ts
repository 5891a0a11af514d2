import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { constants as osConstants, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const cliEntry = join(repoRoot, 'bin', 'vivify.js');
const exec = promisify(execFile);

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `vivify` entry point, as `npx vivify` would. */
export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawnCli(args, options);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk) => (stdout += chunk));
    child.stderr?.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

export function spawnCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): ChildProcess {
  return spawn(process.execPath, [cliEntry, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * A `vivify` process as it runs: its stderr so far, and how it exits: the exit code, or, where a signal ended it,
 * 128 + the signal's number, as a shell reports it (130 for SIGINT).
 */
export function watchedCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): { child: ChildProcess; stderr: () => string; exited: Promise<number | null> } {
  const child = spawnCli(args, options);
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) =>
    child.once('close', (code, signal) => resolve(code ?? (signal ? 128 + osConstants.signals[signal] : null))),
  );
  return { child, stderr: () => stderr, exited };
}

export async function makeTempDir(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'vivify-test-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Files in `folder`, hidden ones included: a failed render must leave no temporary file behind. */
export async function listFiles(folder: string): Promise<string[]> {
  return (await readdir(folder)).sort();
}

/**
 * A real H.264 clip made by ffmpeg from its test pattern (moving, so encoding loss is realistic), optionally with a
 * sine tone as AAC audio. Tests that need no shared media use these.
 */
export async function makeClip(
  path: string,
  options: { frames: number; fps?: number; width?: number; height?: number; audio?: boolean; faststart?: boolean },
): Promise<string> {
  const { frames, fps = 24, width = 160, height = 120, audio = true, faststart = false } = options;
  const seconds = frames / fps;
  await exec('ffmpeg', [
    '-v', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${fps}`,
    ...(audio ? ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'] : []),
    // -t rather than -frames:v, which would also cut the audio short.
    '-t', String(seconds),
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p',
    ...(audio ? ['-c:a', 'aac'] : []),
    ...(faststart ? ['-movflags', '+faststart'] : []),
    path,
  ]);
  return path;
}

export interface ProbedStreams {
  videoFrames: number;
  fps: string;
  width: number;
  height: number;
  pixFmt: string;
  audio: boolean;
  audioSeconds: number;
  comment: string;
}

export async function probeFile(path: string): Promise<ProbedStreams> {
  const { stdout } = await exec('ffprobe', ['-v', 'error', '-count_frames', '-show_streams', '-show_format', '-print_format', 'json', path], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const info = JSON.parse(stdout) as {
    streams: { codec_type: string; nb_read_frames?: string; r_frame_rate: string; width?: number; height?: number; pix_fmt?: string; duration?: string }[];
    format: { tags?: { comment?: string } };
  };
  const video = info.streams.find((s) => s.codec_type === 'video')!;
  const audio = info.streams.find((s) => s.codec_type === 'audio');
  return {
    videoFrames: Number(video.nb_read_frames),
    fps: video.r_frame_rate,
    width: video.width!,
    height: video.height!,
    pixFmt: video.pix_fmt!,
    audio: Boolean(audio),
    audioSeconds: Number(audio?.duration ?? 0),
    comment: info.format.tags?.comment ?? '',
  };
}

/** Mean PSNR of every frame of `a` against `b`, by ffmpeg's psnr filter. */
export async function psnr(a: string, b: string): Promise<number> {
  const { stderr } = await exec('ffmpeg', ['-hide_banner', '-i', a, '-i', b, '-lavfi', '[0:v][1:v]psnr', '-f', 'null', '-']);
  const match = /PSNR .*average:([\d.]+|inf)/.exec(stderr);
  if (!match) throw new Error(`no PSNR in ffmpeg output: ${stderr.slice(-500)}`);
  return match[1] === 'inf' ? Number.POSITIVE_INFINITY : Number(match[1]);
}

/** The shared test media beside the repository (`../shared/media`); absent on a fresh clone without it. */
export const sharedMediaDir = resolve(repoRoot, '..', 'shared', 'media');
export const hasSharedMedia = existsSync(join(sharedMediaDir, 'MANIFEST.md'));
if (!hasSharedMedia) {
  console.warn(`[vivify tests] skipping tests that need real media: ${sharedMediaDir} is absent (it holds the paintings and driving videos)`);
}
export const sharedMedia = (name: string) => join(sharedMediaDir, name);

export type { ChildProcess };

/**
 * A `vivify editor` process as it starts: resolves with the address it prints ("Vivify editor at ..."), with its
 * stderr so far and how it exits; rejects if it exits before printing one.
 */
export function startedEditor(child: ChildProcess): { address: Promise<string>; stderr: () => string; exited: Promise<number | null> } {
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const address = new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /Vivify editor at (http:\/\/\S+\/)/.exec(stdout);
      if (match) resolve(match[1]!);
    });
    child.once('close', () => reject(new Error(`exited early: ${stderr}`)));
  });
  return { address, stderr: () => stderr, exited };
}
