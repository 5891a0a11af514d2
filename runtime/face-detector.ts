import type { RgbaImage } from './image.ts';

/** One face found in one picture, in that picture's pixels. */
export interface DetectedFace {
  /** x, y, z of each of the 478 landmarks; z uses the same pixel scale as x. */
  points: Float32Array;
  /** Column-major 4x4 facial transformation matrix (head pose, translation in centimetres). */
  transform: Float32Array;
}

export interface FaceDetectorOptions {
  /** "video" tracks from frame to frame (faster, needs increasing timestamps); "image" treats each call alone. */
  mode: 'image' | 'video';
  maxFaces: number;
  /** Minimum detection and presence confidence, 0 to 1. */
  minConfidence: number;
}

/** A landmarker a host provides (MediaPipe's FaceLandmarker with the CPU delegate in both hosts). */
export interface FaceDetector {
  detect(image: RgbaImage, timestampMs: number): Promise<DetectedFace[]>;
  close(): void;
}
