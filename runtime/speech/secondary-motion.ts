import type { SpeechFrame } from './speech-analysis.ts';
import { seededRandom } from '../seeded-random.ts';

/** What moves besides the mouth, per frame: eyelids, brows and the head, in degrees for the head. */
export interface SecondaryFrame {
  /** 0 open to 1 shut. */
  blink: number;
  /** 0 at rest to 1 raised. */
  brows: number;
  yaw: number;
  pitch: number;
  roll: number;
}

export interface SecondaryOptions {
  fps: number;
  /** Blinks per minute (people blink about 15-20 times a minute while talking). */
  blinkRate: number;
  /** Gain on the head's motion: 1 is a calm speaker's few degrees. */
  headMotion: number;
  seed: number;
}

/**
 * Blinks at human rates (more often at the start of a pause), brow raises on stressed high-pitched syllables, and a
 * head that nods with the voice's emphasis and drifts slowly: all drawn from `seed`, so the same recording and seed
 * always give the same motion.
 */
export function secondaryMotion(speech: readonly SpeechFrame[], options: SecondaryOptions): SecondaryFrame[] {
  const random = seededRandom(options.seed);
  const frames = speech.length;
  // Slow drift: a few incommensurate sines per axis with random phases (0.05 to 0.4 Hz). Drawn before the blinks, so
  // that frame k's motion is the same however many frames follow it (a live voice's frames come one by one).
  const drift = [0, 1, 2].map(() => [0.07, 0.13, 0.29].map((hz) => ({ hz: hz * (0.8 + 0.4 * random()), phase: 2 * Math.PI * random() })));
  const blink = blinkTrack(speech, options, random);
  const emphasis = new Float64Array(frames);
  const raise = new Float64Array(frames);
  for (let k = 0; k < frames; k++) {
    const s = speech[k]!;
    const before = speech[Math.max(0, k - 2)]!;
    // A nod follows a rise in loudness (a stressed syllable), a brow raise a pitch above the speaker's usual.
    emphasis[k] = s.speaking ? Math.max(0, s.energy - before.energy) + 0.3 * s.energy : 0;
    raise[k] = s.speaking ? smooth01((s.pitch - 1.5) / 4) * s.energy : 0;
  }
  smooth(emphasis, options.fps, 0.15);
  smooth(raise, options.fps, 0.2);
  return Array.from({ length: frames }, (_, k) => {
    const t = k / options.fps;
    const wave = (axis: number) => drift[axis]!.reduce((sum, w, i) => sum + Math.sin(2 * Math.PI * w.hz * t + w.phase) / (i + 1), 0) / 1.8;
    const gain = options.headMotion;
    return {
      blink: blink[k]!,
      brows: Math.min(1, raise[k]! * 1.5),
      yaw: gain * 3 * wave(0),
      pitch: gain * (1.5 * wave(1) + 4 * emphasis[k]!),
      roll: gain * 1.5 * wave(2),
    };
  });
}

/** Blink closure per frame: intervals drawn around 60 / rate seconds, each blink about 250 ms, shut at its middle. */
function blinkTrack(speech: readonly SpeechFrame[], options: SecondaryOptions, random: () => number): Float64Array {
  const track = new Float64Array(speech.length);
  if (options.blinkRate <= 0) return track;
  const mean = 60 / options.blinkRate;
  let next = (0.3 + random()) * mean;
  const length = 0.25;
  for (let k = 0; k < speech.length; k++) {
    const t = k / options.fps;
    // A pause that starts invites a blink if one is due within a second.
    if (k > 0 && speech[k - 1]!.speaking && !speech[k]!.speaking && next - t < 1 && next - t > 0) next = t;
    if (t < next) continue;
    for (let j = k; j < speech.length; j++) {
      const phase = (j / options.fps - t) / length;
      if (phase > 1) break;
      track[j] = Math.max(track[j]!, Math.sin(Math.PI * phase) ** 0.7);
    }
    next = t + Math.max(1.2, mean * (0.4 - Math.log(1 - random() * 0.95) * 0.6));
  }
  return track;
}

function smooth(track: Float64Array, fps: number, seconds: number): void {
  const a = Math.exp(-1 / (fps * seconds));
  for (let k = 1; k < track.length; k++) track[k] = a * track[k - 1]! + (1 - a) * track[k]!;
  for (let k = track.length - 2; k >= 0; k--) track[k] = a * track[k + 1]! + (1 - a) * track[k]!;
}

function smooth01(value: number): number {
  const x = Math.min(1, Math.max(0, value));
  return x * x * (3 - 2 * x);
}

