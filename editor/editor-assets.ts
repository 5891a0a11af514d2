/**
 * Files the editor serves beside its code, at these paths under its base URL: MediaPipe's wasm, the face landmarker
 * bundle built from npm-shipped models, and ffmpeg.wasm's core. Nothing comes from a CDN.
 */
export const editorAssets = {
  mediapipeFolder: 'vendor/mediapipe',
  landmarkerBundle: 'vendor/face_landmarker.task',
  ffmpegCore: 'vendor/ffmpeg/ffmpeg-core.js',
  ffmpegWasm: 'vendor/ffmpeg/ffmpeg-core.wasm',
} as const;
