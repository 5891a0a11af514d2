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
export const hopSeconds = 0.01;
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
  const hops = hopsIn(samples.length);
  const voice = { voiceDb: new Float64Array(hops), pitchHz: new Float64Array(hops) };
  fillVoiceTracks(samples, voice, 0, hops);
  const visemes = visemesPerHop(classifyVisemes(samples, options.visemeModel), 0, hops);
  const mouth = mouthTracks(voice.voiceDb, visemes, loudnessScale(voice.voiceDb));
  const medianPitch = medianVoicedPitch(voice.pitchHz, mouth.speaking);
  return Array.from({ length: options.frameCount }, (_, k) => speechFrameAt({ ...mouth, pitchHz: voice.pitchHz, firstHop: 0 }, frameCentre(k, options), 1 / options.fps, medianPitch));
}

/** The 10 ms hops that `samples` samples span. */
export function hopsIn(samples: number): number {
  return Math.ceil(samples / (analysisRate * hopSeconds));
}

/** Where in the sound frame `k` lies (seconds): its centre, moved by the audio offset. */
export function frameCentre(k: number, options: { fps: number; offsetMs: number }): number {
  return k / options.fps - options.offsetMs / 1000;
}

/** Samples past a hop's centre that its pitch window reads: a hop is complete once this many have come after it. */
export const hopReach = 320;

/** The voice band's level (dB) and the pitch (Hz, 0 where unvoiced) per hop. */
export interface VoiceTracks {
  voiceDb: Float64Array;
  pitchHz: Float64Array;
}

/** The mouth per hop, from the voice: what frames are pooled from. */
export interface MouthTracks {
  jaw: Float64Array;
  round: Float64Array;
  spread: Float64Array;
  closed: Float64Array;
  loud: Float64Array;
  speaking: Uint8Array;
}

/**
 * The mouth over a stretch of hops, from their voice level and visemes. A recording is one stretch; a live voice is
 * the last second or so before the newest sound, as it comes (speech-stream.ts).
 */
export function mouthTracks(voiceDb: Float64Array, visemes: Uint8Array, scale: LoudnessScale): MouthTracks {
  const hops = voiceDb.length;
  const loud = voiceDb.map((value) => clamp01((value - scale.from) / scale.range));
  const speaking = speechActivity(loud);
  const stops = stopClosures(voiceDb, loud);
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
  return { jaw, round, spread, closed, loud, speaking };
}

/** The speaker's usual pitch: the median over voiced hops inside speech (0 where none is voiced). */
export function medianVoicedPitch(pitchHz: Float64Array, speaking: Uint8Array): number {
  const voiced = [...pitchHz].filter((f, h) => f > 0 && speaking[h]).sort((a, b) => a - b);
  return voiced[voiced.length >> 1] ?? 0;
}

/**
 * The mouth and voice at one frame, `centre` seconds into the sound, from tracks whose first hop is hop `firstHop`
 * of the sound. Averaged over the frame's own span, so that a 10 ms event is neither lost nor aliased at 25 fps.
 */
export function speechFrameAt(tracks: MouthTracks & { pitchHz: Float64Array; firstHop: number }, centre: number, frameSeconds: number, medianPitch: number): SpeechFrame {
  const hops = tracks.jaw.length;
  const from = Math.round((centre - frameSeconds / 2) / hopSeconds) - tracks.firstHop;
  const to = Math.round((centre + frameSeconds / 2) / hopSeconds) - tracks.firstHop;
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
  const mid = Math.min(hops - 1, Math.max(0, Math.round(centre / hopSeconds) - tracks.firstHop));
  const hz = tracks.pitchHz[mid]!;
  const pitch = hz > 0 && medianPitch > 0 ? 12 * Math.log2(hz / medianPitch) : 0;
  return {
    // A closure shorter than a frame still shuts the lips for that frame, as animators hold an M-B-P frame.
    jaw: clamp01(mean(tracks.jaw) * (1 - smoothStep(0.3, 0.6, most(tracks.closed)))),
    round: clamp01(mean(tracks.round)),
    spread: clamp01(mean(tracks.spread)),
    closed: clamp01(most(tracks.closed)),
    energy: clamp01(mean(tracks.loud)),
    pitch: Number.isFinite(pitch) ? pitch : 0,
    speaking: tracks.speaking[mid] === 1,
  };
}

/**
 * Fills hops `from` to `to` (exclusive) of the voice tracks from `samples` (the sound from its start). A hop needs
 * `hopReach` samples after its centre; given them, it comes out the same whether the sound is whole or still coming.
 */
export function fillVoiceTracks(samples: Float32Array, tracks: VoiceTracks, from: number, to: number): void {
  const { voiceDb, pitchHz } = tracks;
  const re = new Float64Array(window);
  const im = new Float64Array(window);
  const binHz = analysisRate / window;
  const lowBin = Math.round(300 / binHz);
  const highBin = Math.round(3000 / binHz);
  const hop = analysisRate * hopSeconds;
  for (let h = from; h < to; h++) {
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
}

const hann = Float64Array.from({ length: window }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (window - 1)));

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

/** Where the voice band's level is quiet (`from` dB) and how far above it is loud speech (`range` dB). */
export interface LoudnessScale {
  from: number;
  range: number;
}

/**
 * The scale between a recording's noise floor (0) and its loud speech (1), from its levels. A live voice has heard
 * little at first: `minRange` keeps noise alone from reading as speech until speech has been heard.
 */
export function loudnessScale(db: ArrayLike<number>, options: { floorMargin: number; minRange: number } = { floorMargin: 6, minRange: 6 }): LoudnessScale {
  const sorted = Array.from(db).sort((a, b) => a - b);
  const floor = sorted[Math.floor(sorted.length * 0.1)] ?? 0;
  const top = sorted[Math.floor(sorted.length * 0.97)] ?? 0;
  // A recording with digital silence has no noise floor to speak of: 40 dB under the loud speech is quiet enough.
  const from = Math.max(floor + options.floorMargin, top - 40);
  return { from, range: Math.max(options.minRange, top - from) };
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

/**
 * HeadAudio's events (every 16 ms while voiced) on the 10 ms grid of hops `first` to `first + hops`: the nearest
 * within a hop and a half, else silence.
 */
export function visemesPerHop(events: readonly VisemeEvent[], first: number, hops: number): Uint8Array {
  const out = new Uint8Array(hops).fill(silence);
  const nearest = new Float64Array(hops).fill(Infinity);
  for (const event of events) {
    const h = Math.round(event.time / hopSeconds) - first;
    for (let d = -1; d <= 1; d++) {
      const at = h + d;
      const distance = Math.abs((first + at) * hopSeconds - event.time);
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
