import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvalReport } from '../cli/eval-command.ts';
import { pearson } from '../runtime/eval/face-motion.ts';
import { landmarkDistance } from '../runtime/face.ts';
import { createNodeHost } from '../runtime/node/node-host.ts';
import { secondaryMotion } from '../runtime/speech/secondary-motion.ts';
import { analyseSpeech, analysisRate } from '../runtime/speech/speech-analysis.ts';
import { speakingFace, speakingFaceRig } from '../runtime/speech/speaking-face.ts';
import { hasSharedMedia, makeTempDir, probeFile, repoRoot, runCli, sharedMedia } from '../support/cli.ts';
import { handMadeFace } from './support/hand-made-face.ts';
import { hasEspeak } from '../support/espeak.ts';

const exec = promisify(execFile);
const fps = 25;

/**
 * d20's sound trails its own picture by about 300 ms: his lips part at 0.36 s and the voice starts at 0.72 s, and the
 * speech analysis' jaw correlates with his mouth at r 0.29 in step but 0.62 seven to eight frames (280-320 ms) later,
 * the same after every pause. A render in sync with the sound it carries is therefore compared with his picture with
 * this delay taken out (speech.audioOffsetMs), and, separately, shown to trail his picture by this delay and no more.
 */
const d20AudioDelayMs = 300;

if (!hasSharedMedia) console.log('speak-painting: ../shared/media is absent, so the lip-sync tests against d20 are skipped');
if (!hasEspeak) console.log('speak-painting: espeak-ng is not installed, so the bilabial test is skipped (apt-get install espeak-ng)');

/** Inner-lip gap over face height per frame of a video or picture, as `vivify eval` measures mouth opening. */
async function mouthOpenings(media: string, folder: string, name: string): Promise<number[]> {
  const json = join(folder, `${name}.json`);
  // Unsmoothed: the One Euro filter would add its own lag to the mouth.
  const result = await runCli(['landmarks', media, '--json', json, '--force', '--set', 'face.smoothing=false']);
  expect(result.code, result.stderr).toBe(0);
  const { frames } = JSON.parse(await readFile(json, 'utf8')) as { frames: { points: number[][] }[] };
  return frames.map((frame) => {
    const points = Float32Array.from(frame.points.flat());
    return landmarkDistance(points, 13, 14) / landmarkDistance(points, 10, 152);
  });
}

/** Pearson r of `a[i]` against `b[i + lag]` for each lag in the range, and the best. */
function lagged(a: number[], b: number[], range: number): { byLag: Map<number, number>; best: number } {
  const byLag = new Map<number, number>();
  for (let lag = -range; lag <= range; lag++) {
    const x: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < a.length; i++) if (i + lag >= 0 && i + lag < b.length) x.push(a[i]!), y.push(b[i + lag]!);
    byLag.set(lag, pearson(x, y) ?? 0);
  }
  const best = [...byLag].sort((p, q) => q[1] - p[1])[0]![0];
  return { byLag, best };
}

/** Per video frame, the recording's level in dB (RMS over the frame's 40 ms). */
async function frameLevels(media: string, frames: number): Promise<number[]> {
  const { samples } = await createNodeHost().readAudio!(media, { sampleRate: analysisRate });
  const span = analysisRate / fps;
  return Array.from({ length: frames }, (_, k) => {
    let sum = 0;
    for (let i = k * span; i < (k + 1) * span && i < samples.length; i++) sum += samples[i]! ** 2;
    return 10 * Math.log10(sum / span + 1e-12);
  });
}

/** Runs of at least `minFrames` frames quieter than 25 dB under the loudest frame: the pauses. */
function pauses(levels: number[], minFrames: number): { from: number; to: number }[] {
  const loudest = Math.max(...levels);
  const runs: { from: number; to: number }[] = [];
  let from = -1;
  levels.forEach((level, k) => {
    const quiet = level < loudest - 25;
    if (quiet && from < 0) from = k;
    if ((!quiet || k === levels.length - 1) && from >= 0) {
      const to = quiet ? k : k - 1;
      if (to - from + 1 >= minFrames) runs.push({ from, to });
      from = -1;
    }
  });
  return runs;
}

describe.skipIf(!hasSharedMedia)("a painting speaks d20's voice", () => {
  let dir: { path: string; remove: () => Promise<void> };
  let synced: string;
  let shifted: string;
  let real: number[];
  let rest: number;
  let spoken: number[];
  let renderSeconds: number;
  beforeAll(async () => {
    dir = await makeTempDir();
    synced = join(dir.path, 's9-d20-voice.mp4');
    shifted = join(dir.path, 's9-d20-voice-shifted.mp4');
    const args = ['render', 'presets/speak-painting.json', '--source', sharedMedia('source/s9.jpg'), '--audio', sharedMedia('driving/d20.mp4'), '--set', 'out.preset=veryfast'];
    const started = performance.now();
    const render = await runCli([...args, '-o', synced]);
    renderSeconds = (performance.now() - started) / 1000;
    expect(render.code, render.stderr).toBe(0);
    const again = await runCli([...args, '-o', shifted, '--set', `speech.audioOffsetMs=${-d20AudioDelayMs}`]);
    expect(again.code, again.stderr).toBe(0);
    real = await mouthOpenings(sharedMedia('driving/d20.mp4'), dir.path, 'd20');
    spoken = await mouthOpenings(synced, dir.path, 'synced');
    rest = (await mouthOpenings(sharedMedia('source/s9.jpg'), dir.path, 's9'))[0]!;
  }, 180_000);
  afterAll(() => dir?.remove());

  it('writes the painting speaking, carrying the voice, one frame per 40 ms of it', async () => {
    const streams = await probeFile(synced);
    expect(streams.videoFrames).toBe(175);
    expect(streams.fps).toBe('25/1');
    expect(streams.audio).toBe(true);
    expect(streams.audioSeconds).toBeCloseTo(7, 1);
    console.log(`speak-painting: s9 speaking d20's 7 s voice rendered in ${renderSeconds.toFixed(1)} s (${(7 / renderSeconds).toFixed(2)}x real time, whole render)`);
  });

  it("opens and closes the mouth with the real speaker's (r >= 0.5, best lag within one frame)", async () => {
    const evaluated = await runCli(['eval', shifted, '--driving', sharedMedia('driving/d20.mp4'), '--json']);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const report = JSON.parse(evaluated.stdout) as EvalReport;
    const mouth = await mouthOpenings(shifted, dir.path, 'shifted');
    const { byLag, best } = lagged(mouth, real, 4);
    console.log(`speak-painting: mouth opening vs d20's, r ${report.correlation.mouthOpening} in step (eval), best lag ${best} (r by lag ${[...byLag].map(([l, r]) => `${l}:${r.toFixed(2)}`).join(' ')})`);
    expect(report.correlation.mouthOpening).toBeGreaterThanOrEqual(0.5);
    expect(Math.abs(best)).toBeLessThanOrEqual(1);
  });

  it("keeps the mouth with the sound it carries: unshifted, it trails d20's picture by d20's own audio delay and no more", () => {
    const { best } = lagged(spoken, real, 12);
    const delayFrames = d20AudioDelayMs / 40;
    expect(Math.abs(-best - delayFrames)).toBeLessThanOrEqual(1.5);
  });

  it('closes the mouth in every pause of 300 ms or more', async () => {
    const levels = await frameLevels(sharedMedia('driving/d20.mp4'), spoken.length);
    const quiet = pauses(levels, Math.ceil(0.3 * fps));
    expect(quiet.length).toBeGreaterThanOrEqual(2);
    const range = [...spoken].sort((a, b) => a - b)[Math.floor(spoken.length * 0.95)]! - rest;
    for (const pause of quiet) {
      // A frame at each end is co-articulation: the lips are still closing from the last sound or opening for the next.
      for (let k = pause.from + 1; k < pause.to; k++) {
        expect(spoken[k]!, `frame ${k} in the pause ${pause.from}-${pause.to}`).toBeLessThanOrEqual(rest + 0.1 * range);
      }
    }
  });

  it("leaves a contact sheet of s9 speaking d20's voice, at words and at pauses, over d20's own frames", async () => {
    const levels = await frameLevels(sharedMedia('driving/d20.mp4'), spoken.length);
    const atPauses = pauses(levels, Math.ceil(0.3 * fps)).map((p) => Math.round((p.from + p.to) / 2));
    const atWords = spoken
      .map((value, frame) => ({ value, frame }))
      .filter(({ frame }) => atPauses.every((p) => Math.abs(p - frame) > 8))
      .sort((a, b) => b.value - a.value)
      .reduce<number[]>((picked, { frame }) => (picked.length < 6 && picked.every((p) => Math.abs(p - frame) > 10) ? [...picked, frame] : picked), []);
    const frames = [...atPauses, ...atWords].sort((a, b) => a - b);
    const folder = join(repoRoot, 'test', 'output', 'speak-painting');
    await mkdir(folder, { recursive: true });
    const sheet = join(folder, 's9-d20-voice.png');
    const picks = `select='${frames.map((frame) => `eq(n\\,${frame})`).join('+')}'`;
    // The frame's number, written where the crop keeps it (the crop's top left corner).
    const label = "drawtext=text='%{n}':x=221:y=206:fontsize=24:fontcolor=white:box=1:boxcolor=black@0.5";
    // s9's face, cropped, over d20's picture with his delay taken out: what his mouth did for that sound.
    const delayFrames = Math.round(d20AudioDelayMs / 40);
    const his = `select='${frames.map((frame) => `eq(n\\,${Math.max(0, frame - delayFrames)})`).join('+')}'`;
    await exec('ffmpeg', [
      '-v', 'error', '-y', '-i', synced, '-i', sharedMedia('driving/d20.mp4'), '-filter_complex',
      `[0:v]${label},${picks},crop=300:300:215:200,scale=256:256,tile=${frames.length}x1[a];` +
        `[1:v]${his},scale=256:256,tile=${frames.length}x1[b];[a][b]vstack`,
      '-frames:v', '1', sheet,
    ]);
    await writeFile(join(folder, 's9-d20-voice.json'), `${JSON.stringify({ atPauses, atWords }, null, 2)}\n`);
    expect((await probeFile(sheet)).width).toBe(256 * frames.length);
  });
});

describe.skipIf(!hasEspeak)('speech made by espeak-ng', () => {
  let dir: { path: string; remove: () => Promise<void> };
  beforeAll(async () => {
    dir = await makeTempDir();
  });
  afterAll(() => dir?.remove());

  for (const word of ['appa', 'abba', 'amma']) {
    it(`closes the lips at the bilabial of "${word}"`, async () => {
      const wav = join(dir.path, `${word}.wav`);
      await exec('espeak-ng', ['-w', wav, word]);
      const host = createNodeHost();
      const { samples } = await host.readAudio!(wav, { sampleRate: analysisRate });
      const frameCount = Math.floor((samples.length / analysisRate) * fps);
      const speech = analyseSpeech(samples, { fps, frameCount, offsetMs: 0, visemeModel: await host.visemeModel!() });
      const secondary = secondaryMotion(speech, { fps, blinkRate: 0, headMotion: 0, seed: 1 });
      const base = { points: handMadeFace(60, 80), transform: Float32Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]), confidence: 1, found: true };
      const rig = speakingFaceRig(base);
      const gaps = speech.map((s, k) => landmarkDistance(speakingFace(rig, s, secondary[k]!, { mouth: 1 }).points, 13, 14) - landmarkDistance(base.points, 13, 14));
      // The vowels are the two loudest stretches; the consonant lies at the quietest frame between them.
      const levels = await frameLevels(wav, frameCount);
      const loud = levels.map((level, frame) => ({ level, frame })).sort((a, b) => b.level - a.level);
      const first = loud[0]!.frame;
      const second = loud.find(({ frame }) => Math.abs(frame - first) >= 3)!.frame;
      const [from, to] = [Math.min(first, second), Math.max(first, second)];
      let consonant = from;
      for (let k = from; k <= to; k++) if (levels[k]! < levels[consonant]!) consonant = k;
      const range = Math.max(...gaps);
      const closedAt = Math.min(...[consonant - 1, consonant, consonant + 1].map((k) => gaps[k]!));
      console.log(`speak-painting: "${word}" lip gap ${gaps.map((g) => g.toFixed(1)).join(' ')}; consonant at frame ${consonant}`);
      expect(range).toBeGreaterThan(2);
      expect(closedAt).toBeLessThanOrEqual(0.1 * range);
    });
  }
});

// The painting is read first, so a real one is needed for the recording to be the input refused.
describe.skipIf(!hasSharedMedia)('audio-input refuses what it cannot speak from', () => {
  let dir: { path: string; remove: () => Promise<void> };
  const painting = sharedMedia('source/s9.jpg');
  beforeAll(async () => {
    dir = await makeTempDir();
  });
  afterAll(() => dir?.remove());

  const render = (audio: string) => runCli(['render', 'presets/speak-painting.json', '--source', painting, '--audio', audio, '-o', join(dir.path, 'out.mp4')]);

  it('names a silent recording', async () => {
    const silent = join(dir.path, 'silent.wav');
    await exec('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'anullsrc=r=16000:cl=mono', '-t', '2', silent]);
    const result = await render(silent);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toMatch(/silent\.wav: the recording is silent \(its loudest sample is -\d+ dBFS\), so there is no voice to speak$/);
  });

  it('names a file that is not audio', async () => {
    const text = join(dir.path, 'notes.wav');
    await writeFile(text, 'not a recording\n');
    const result = await render(text);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/notes\.wav: is not an audio or video file that can be read/);
  });

  it('names a video without sound', async () => {
    const mute = join(dir.path, 'mute.mp4');
    await exec('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=s=64x64:r=25', '-t', '1', '-pix_fmt', 'yuv420p', mute]);
    const result = await render(mute);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toMatch(/mute\.mp4: has no audio track to speak from$/);
  });
});

describe('audio-input reads the usual recordings', () => {
  let dir: { path: string; remove: () => Promise<void> };
  beforeAll(async () => {
    dir = await makeTempDir();
  });
  afterAll(() => dir?.remove());

  // A 1.5 s tone in each container: every one decodes to its length, at the sample rate asked.
  for (const [name, codec] of [['voice.wav', 'pcm_s16le'], ['voice.mp3', 'libmp3lame'], ['voice.m4a', 'aac'], ['voice.ogg', 'libopus']] as const) {
    it(`decodes ${name}`, async () => {
      const path = join(dir.path, name);
      await exec('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=220:duration=1.5', '-c:a', codec, path]);
      const decoded = await createNodeHost().readAudio!(path, { sampleRate: analysisRate });
      expect(decoded.track.duration).toBeCloseTo(1.5, 1);
      expect(decoded.samples.length / analysisRate).toBeCloseTo(1.5, 1);
      // lavfi's sine is at an eighth of full scale.
      expect(Math.max(...decoded.samples)).toBeGreaterThan(0.1);
    });
  }
});
