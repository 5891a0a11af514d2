import { fft } from './fft.ts';
import { classifyVisemes, silence, type VisemeEvent, visemeNames, visemeSampleRate } from './viseme-classifier.ts';

/** The mouth and voice at one video frame, all 0..1 except `pitch`. */
export interface SpeechFrame {
  /** Jaw opening, from loudness shaped by the viseme (an "aa" opens wide, an "I" little, a "PP" not at all). */
  jaw: number;
  /** Lip rounding (O, U) and spreading (E, I, SS). */
  round: number;
  spread: number;
  /** Lips pressed together (p, b, m), which closes them whatever the jaw does. */
  closed: number;
  /** Loudness of the voice band against the recording's own range. */
  energy: number;
  /** Voice pitch in semitones from the speaker's median, 0 where unvoiced. */
  pitch: number;
  /** Inside speech rather than a pause. */
  speaking: boolean;
}

/** The analysis runs on 10 ms hops at HeadAudio's rate (16 kHz). */
export const analysisRate = visemeSampleRate;
const hopSeconds = 0.01;
const window = 512;

/** How each viseme opens the jaw and shapes the lips (a viseme's typical mouth, from phonetics' vowel charts). */
const visemeShapes: Record<(typeof visemeNames)[number], { jaw: number; round: number; spread: number; closed: number }> = {
  aa: { jaw: 1, round: 0, spread: 0.2, closed: 0 },
  E: { jaw: 0.7, round: 0, spread: 0.6, closed: 0 },
  I: { jaw: 0.45, round: 0, spread: 0.9, closed: 0 },
  O: { jaw: 0.8, round: 0.8, spread: 0, closed: 0 },
  U: { jaw: 0.45, round: 1, spread: 0, closed: 0 },
  PP: { jaw: 0, round: 0, spread: 0, closed: 1 },
  SS: { jaw: 0.25, round: 0, spread: 0.6, closed: 0 },
  TH: { jaw: 0.35, round: 0, spread: 0.3, closed: 0 },
  DD: { jaw: 0.4, round: 0, spread: 0.3, closed: 0 },
  FF: { jaw: 0.2, round: 0, spread: 0.2, closed: 0.3 },
  kk: { jaw: 0.5, round: 0, spread: 0.2, closed: 0 },
  nn: { jaw: 0.35, round: 0, spread: 0.2, closed: 0 },
  RR: { jaw: 0.45, round: 0.5, spread: 0, closed: 0 },
  CH: { jaw: 0.3, round: 0.6, spread: 0, closed: 0 },
  sil: { jaw: 0, round: 0, spread: 0, closed: 0 },
};

export interface SpeechAnalysisOptions {
  fps: number;
  frameCount: number;
  /** Moves the mouth against the sound: positive makes it move later. */
  offsetMs: number;
  /** HeadAudio's viseme prototypes. */
  visemeModel: ArrayBuffer;
}

/** Per video frame, the mouth and voice of a recording (mono, at `analysisRate`). */
export function analyseSpeech(samples: Float32Array, options: SpeechAnalysisOptions): SpeechFrame[] {
  const hops = Math.ceil(samples.length / (analysisRate * hopSeconds));
  const { voiceDb, pitchHz } = spectralTracks(samples, hops);
  const loud = normalisedLoudness(voiceDb);
  const speaking = speechActivity(loud);
  const stops = stopClosures(voiceDb, loud);
  const visemes = visemesPerHop(classifyVisemes(samples, options.visemeModel), hops);

  const jaw = new Float64Array(hops);
  const round = new Float64Array(hops);
  const spread = new Float64Array(hops);
  const closed = new Float64Array(hops);
  for (let h = 0; h < hops; h++) {
    const shape = visemeShapes[visemeNames[visemes[h]!]!];
    const voice = speaking[h] ? loud[h]! : 0;
    // A mouth pressed shut cannot let out loud voice-band sound: a PP heard over loud voice is the classifier's error.
    const closure = shape.closed * (1 - smoothStep(0.6, 0.85, voice));
    // Loudness opens the jaw; the viseme says how far for this sound (an "aa" wide, an "I" less).
    jaw[h] = voice * (0.6 + 0.4 * shape.jaw) * (1 - closure);
    round[h] = voice > 0 ? shape.round : 0;
    spread[h] = voice > 0 ? shape.spread : 0;
    closed[h] = speaking[h] ? Math.max(closure, stops[h]!) : 0;
  }
  // Co-articulation: the articulators move smoothly through neighbouring targets, before and after the sound.
  smoothBothWays(jaw, 0.03);
  // The lips close as a pause begins and open as speech resumes (within 20 ms), whatever the smoothing carried over.
  const inSpeech = Float64Array.from(speaking);
  smoothBothWays(inSpeech, 0.015);
  for (let h = 0; h < hops; h++) jaw[h] = jaw[h]! * inSpeech[h]!;
  smoothBothWays(round, 0.06);
  smoothBothWays(spread, 0.06);
  smoothBothWays(closed, 0.02);
  const voicedPitch = [...pitchHz].filter((f, h) => f > 0 && speaking[h]).sort((a, b) => a - b);
  const medianPitch = voicedPitch[voicedPitch.length >> 1] ?? 0;

  const frames: SpeechFrame[] = [];
  const frameSeconds = 1 / options.fps;
  for (let k = 0; k < options.frameCount; k++) {
    // Averaged over the frame's own span, so that a 10 ms event is neither lost nor aliased at 25 fps.
    const centre = k * frameSeconds - options.offsetMs / 1000;
    const from = Math.round((centre - frameSeconds / 2) / hopSeconds);
    const to = Math.round((centre + frameSeconds / 2) / hopSeconds);
    const most = (track: ArrayLike<number>) => {
      let top = 0;
      for (let h = from; h < to; h++) if (h >= 0 && h < hops) top = Math.max(top, track[h]!);
      return top;
    };
    const mean = (track: ArrayLike<number>) => {
      let sum = 0;
      let n = 0;
      for (let h = from; h < to; h++) if (h >= 0 && h < hops) (sum += track[h]!), n++;
      return n ? sum / n : 0;
    };
    const mid = Math.min(hops - 1, Math.max(0, Math.round(centre / hopSeconds)));
    const pitch = pitchHz[mid]! > 0 && medianPitch > 0 ? 12 * Math.log2(pitchHz[mid]! / medianPitch) : 0;
    frames.push({
      // A closure shorter than a frame still shuts the lips for that frame, as animators hold an M-B-P frame.
      jaw: clamp01(mean(jaw) * (1 - smoothStep(0.3, 0.6, most(closed)))),
      round: clamp01(mean(round)),
      spread: clamp01(mean(spread)),
      closed: clamp01(most(closed)),
      energy: clamp01(mean(loud)),
      pitch: Number.isFinite(pitch) ? pitch : 0,
      speaking: speaking[mid] === 1,
    });
  }
  return frames;
}

/** Per hop, the voice band's level (dB) and the pitch (Hz, 0 where unvoiced). */
function spectralTracks(samples: Float32Array, hops: number): { voiceDb: Float64Array; pitchHz: Float64Array } {
  const voiceDb = new Float64Array(hops);
  const pitchHz = new Float64Array(hops);
  const re = new Float64Array(window);
  const im = new Float64Array(window);
  const hann = Float64Array.from({ length: window }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (window - 1)));
  const binHz = analysisRate / window;
  const lowBin = Math.round(300 / binHz);
  const highBin = Math.round(3000 / binHz);
  const hop = analysisRate * hopSeconds;
  for (let h = 0; h < hops; h++) {
    const start = h * hop - window / 2;
    for (let i = 0; i < window; i++) {
      const at = start + i;
      re[i] = (at >= 0 && at < samples.length ? samples[at]! : 0) * hann[i]!;
      im[i] = 0;
    }
    fft(re, im);
    let power = 0;
    for (let b = lowBin; b < highBin; b++) power += re[b]! * re[b]! + im[b]! * im[b]!;
    voiceDb[h] = 10 * Math.log10(power + 1e-10);
    pitchHz[h] = h % 2 === 0 ? pitchAt(samples, h * hop) : pitchHz[h - 1]!;
  }
  return { voiceDb, pitchHz };
}

/** Autocorrelation pitch (70-400 Hz) over 40 ms around `centre`; 0 where the sound is not periodic enough. */
function pitchAt(samples: Float32Array, centre: number): number {
  const span = 640;
  const start = Math.max(0, centre - span / 2);
  const end = Math.min(samples.length, start + span);
  if (end - start < span / 2) return 0;
  let energy = 0;
  for (let i = start; i < end; i++) energy += samples[i]! * samples[i]!;
  if (energy < 1e-6) return 0;
  let best = 0;
  let bestLag = 0;
  // Every other sample and lag: pitch needs no more than 8 kHz, and this is most of the analysis's time.
  for (let lag = Math.floor(analysisRate / 400); lag <= Math.ceil(analysisRate / 70); lag += 2) {
    let sum = 0;
    for (let i = start; i + lag < end; i += 2) sum += 2 * samples[i]! * samples[i + lag]!;
    const score = sum / energy;
    if (score > best) (best = score), (bestLag = lag);
  }
  return best > 0.45 ? analysisRate / bestLag : 0;
}

/** The voice band's level between the recording's noise floor (0) and its loud speech (1). */
function normalisedLoudness(db: Float64Array): Float64Array {
  const sorted = [...db].sort((a, b) => a - b);
  const floor = sorted[Math.floor(sorted.length * 0.1)] ?? 0;
  const top = sorted[Math.floor(sorted.length * 0.97)] ?? 0;
  // A recording with digital silence has no noise floor to speak of: 40 dB under the loud speech is quiet enough.
  const from = Math.max(floor + 6, top - 40);
  const range = Math.max(6, top - from);
  return db.map((value) => clamp01((value - from) / range));
}

/**
 * 1 where the voice drops for a moment between loud sounds (the closure of a stop or the murmur of a nasal: p, b, m,
 * and t, d, k, n too, which a classifier cannot reliably tell apart): 18 dB under the loudest sound within 100 ms on
 * both sides. The lips shut there; a longer quiet is a pause, which speech activity handles.
 */
function stopClosures(db: Float64Array, loud: Float64Array): Float64Array {
  const out = new Float64Array(db.length);
  const reach = Math.round(0.1 / hopSeconds);
  for (let h = 0; h < db.length; h++) {
    let before = -Infinity;
    let after = -Infinity;
    let loudBefore = 0;
    let loudAfter = 0;
    for (let d = 1; d <= reach; d++) {
      if (h - d >= 0 && db[h - d]! > before) (before = db[h - d]!), (loudBefore = loud[h - d]!);
      if (h + d < db.length && db[h + d]! > after) (after = db[h + d]!), (loudAfter = loud[h + d]!);
    }
    const depth = Math.min(before, after) - db[h]!;
    if (Math.min(loudBefore, loudAfter) > 0.3) out[h] = smoothStep(8, 14, depth);
  }
  return out;
}

/** 1 inside speech, 0 in pauses: loud enough, with gaps under 120 ms bridged (stops inside words are not pauses). */
function speechActivity(loud: Float64Array): Uint8Array {
  const active = Uint8Array.from(loud, (value) => (value > 0.12 ? 1 : 0));
  const bridge = Math.round(0.12 / hopSeconds);
  let lastActive = -Infinity;
  for (let h = 0; h < active.length; h++) {
    if (!active[h]) continue;
    if (h - lastActive > 1 && h - lastActive <= bridge) active.fill(1, lastActive + 1, h);
    lastActive = h;
  }
  return active;
}

/** HeadAudio's events (every 16 ms while voiced) on the 10 ms grid: the nearest within a hop and a half, else silence. */
function visemesPerHop(events: VisemeEvent[], hops: number): Uint8Array {
  const out = new Uint8Array(hops).fill(silence);
  const nearest = new Float64Array(hops).fill(Infinity);
  for (const event of events) {
    const h = Math.round(event.time / hopSeconds);
    for (let d = -1; d <= 1; d++) {
      const at = h + d;
      const distance = Math.abs(at * hopSeconds - event.time);
      if (at >= 0 && at < hops && distance < nearest[at]!) (nearest[at] = distance), (out[at] = event.viseme);
    }
  }
  return out;
}

/** Zero-phase exponential smoothing (forward then backward) with time constant `seconds`. */
function smoothBothWays(track: Float64Array, seconds: number): void {
  const a = Math.exp(-hopSeconds / seconds);
  for (let h = 1; h < track.length; h++) track[h] = a * track[h - 1]! + (1 - a) * track[h]!;
  for (let h = track.length - 2; h >= 0; h--) track[h] = a * track[h + 1]! + (1 - a) * track[h]!;
}

function smoothStep(from: number, to: number, value: number): number {
  const x = clamp01((value - from) / (to - from));
  return x * x * (3 - 2 * x);
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}
