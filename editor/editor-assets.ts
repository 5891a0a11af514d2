/**
 * Files the editor serves beside its code, at these paths under its base URL: MediaPipe's wasm, the face landmarker
 * bundle built from npm-shipped models, ffmpeg.wasm's core and HeadAudio's viseme model. Nothing comes from a CDN.
 */
export const editorAssets = {
  mediapipeFolder: 'vendor/mediapipe',
  landmarkerBundle: 'vendor/face_landmarker.task',
  ffmpegCore: 'vendor/ffmpeg/ffmpeg-core.js',
  ffmpegWasm: 'vendor/ffmpeg/ffmpeg-core.wasm',
  /** HeadAudio's viseme prototypes (14 KB), for the speech-motion node. */
  visemeModel: 'vendor/headaudio/model-en-mixed.bin',
} as const;
