import type { AudioTrack, LiveAudio } from './audio.ts';
import type { FaceDetector, FaceDetectorOptions } from './face-detector.ts';
import type { RgbaImage } from './image.ts';
import type { ModelProblem } from './model-problem.ts';
import type { ModelFileRef, ModelSession } from './onnx/model-session.ts';

/**
 * Everything that differs between the CLI (Node) and the editor (browser). Nodes reach media, models and devices only
 * through this interface; a host implementation lives in `runtime/<host>/` and never imports a node.
 */
export interface Host {
  /** "node" or "browser". */
  readonly name: string;
  /** Where ONNX models run, as resolved for this run (for the summary: users want to know which device ran). */
  readonly executionProvider: string;

  /**
   * Decodes a still image (JPEG, PNG, WebP...) with its EXIF orientation applied; one with more than
   * `options.maxPixels` pixels is scaled down to fit as it is decoded, and says from what size.
   */
  readImage(path: string, options?: ImageReadOptions): Promise<StillImage>;
  /** Opens a video for sequential decoding of frames `start` (inclusive) to `end` (exclusive). */
  openVideo(path: string, range: { start: number; end?: number }): Promise<VideoReader>;
  /** Fails early, with a sentence, where `path` cannot be written (missing folder, existing file without overwrite). */
  checkOutputPath(path: string, overwrite: boolean): Promise<void>;
  /** Starts an encoder that writes to a temporary file and moves it to `path` only on `finish`. */
  createVideoWriter(options: VideoWriterOptions): Promise<VideoWriter>;
  /** Changes when the file at `path` changes (size, time): part of cache keys for results computed from a file. */
  fileIdentity(path: string): Promise<string>;
  /** MediaPipe's face landmarker, from the bundle built out of npm-shipped models (nothing is downloaded). */
  createFaceDetector(options: FaceDetectorOptions): Promise<FaceDetector>;
  /**
   * Why the model with this catalog id cannot be used here (with the command that gets it), or undefined if it can.
   * `task` is what the node needs it for (the catalog's task, as "faceswap"): a model no catalog knows is then named
   * with the way to make one.
   */
  modelProblem(model: string, task?: string): Promise<ModelProblem | undefined>;
  /**
   * Installs a model file the user gave (dropped on the node that needs it) with the checks of `vivify models import`;
   * only where the host can (the editor, through its server). Resolves to what was done, in the CLI's words; rejects
   * with the sentence that refuses it.
   */
  importModelFile?(model: string, task: string | undefined, file: UploadedFile): Promise<string[]>;
  /** Opens one file of a stored model with this host's onnxruntime, on the provider resolved for the run. */
  openModel(ref: ModelFileRef): Promise<ModelSession>;
  /** A live camera as a stream of `frames` frames; only where the host has one (the editor's browser). */
  openCamera?(options: CameraOptions): Promise<VideoReader>;
  /** A live microphone, its sound as a live track; only where the host has one (the editor's browser). */
  openMicrophone?(options: MicrophoneOptions): Promise<MicrophoneRecording>;
  /**
   * Decodes the first audio track of a file (an audio file, or a video's sound) to mono samples at
   * `options.sampleRate`, from `options.start` seconds for `options.duration` (default: to its end); fails with one
   * sentence naming the file where it has no audio that can be read. Only where the host can decode audio.
   */
  readAudio?(path: string, options: AudioReadOptions): Promise<DecodedAudio>;
  /** The viseme classifier's Gaussian prototypes, as they ship in the @met4citizen/headaudio package (14 KB). */
  visemeModel?(): Promise<ArrayBuffer>;
}

export interface AudioReadOptions {
  sampleRate: number;
  start?: number;
  duration?: number;
}

/** Mono samples of an audio span, and the track they came from (for the output to carry). */
export interface DecodedAudio {
  samples: Float32Array;
  sampleRate: number;
  track: AudioTrack;
}

/** A file the user gave, as the page has it (a File). */
export interface UploadedFile {
  readonly name: string;
  arrayBuffer(): Promise<ArrayBuffer>;
}

export interface ImageReadOptions {
  /** Pixels a picture may have; a larger one is scaled down to about this many, keeping its shape. */
  maxPixels?: number;
}

/** A decoded picture; `scaledFrom` is its own size where it was scaled down to fit `maxPixels`. */
export interface StillImage extends RgbaImage {
  scaledFrom?: { width: number; height: number };
}

/** The size a `width` x `height` picture is scaled down to so that it has at most `maxPixels` pixels (or undefined). */
export function sizeWithin(width: number, height: number, maxPixels: number | undefined): { width: number; height: number } | undefined {
  if (!maxPixels || width * height <= maxPixels) return undefined;
  const scale = Math.sqrt(maxPixels / (width * height));
  return { width: Math.max(1, Math.floor(width * scale)), height: Math.max(1, Math.floor(height * scale)) };
}

export interface CameraOptions {
  /** The size asked of the camera; it may give another, which `info` then reports. */
  width: number;
  height: number;
  /** How many frames the run takes from it. */
  frames: number;
}

export interface MicrophoneOptions {
  /** The frame rate the sound is shown at, and how many frames a run takes: frame k shows the sound at k / fps. */
  fps: number;
  frames: number;
}

/** A microphone as it records. */
export interface MicrophoneRecording {
  /** The sound: `live` while it is captured; a file at `path` (a WAV) once `stop` has written it. */
  readonly track: AudioTrack & { live: LiveAudio };
  /** Stops capture and writes what was heard to the track's file, for an output to carry. */
  stop(): Promise<void>;
  /** Stops capture (the microphone is let go) without keeping the recording. */
  close(): Promise<void>;
}

export interface VideoInfo {
  path: string;
  width: number;
  height: number;
  fps: number;
  /** Frames in the requested range. */
  frameCount: number;
  /** The file's frames came at a varying rate and are read made steady at `fps`, its average. */
  variableRate?: boolean;
  /** The audio track spanning the requested range, if the file has one. */
  audio?: AudioTrack;
}

export interface VideoReader {
  readonly info: VideoInfo;
  /** The next frame, or undefined after the last one. */
  next(): Promise<RgbaImage | undefined>;
  close(): Promise<void>;
}

export interface VideoWriterOptions {
  path: string;
  width: number;
  height: number;
  fps: number;
  /** x264 constant rate factor: 0 lossless, 18 visually lossless, 23 default, 51 worst. */
  crf: number;
  preset: string;
  audio?: AudioTrack;
  overwrite: boolean;
  /** The graph that made the video, embedded in its metadata and written beside it as `<path>.vivify.json`. */
  graphJson: string;
}

/** The file beside an output that holds the graph which made it; the same name in every host. */
export function graphSidecarPath(outputPath: string): string {
  return `${outputPath}.vivify.json`;
}

export interface VideoWriter {
  write(frame: RgbaImage): Promise<void>;
  /** Completes the file and moves it into place. */
  finish(): Promise<void>;
  /** Stops the encoder and removes everything it wrote. */
  abort(): Promise<void>;
}
