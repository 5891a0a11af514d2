import type { FaceLandmarkerOptions, FaceLandmarkerResult } from '@mediapipe/tasks-vision';
import type { DetectedFace, FaceDetectorOptions } from '../face-detector.ts';

/**
 * What both hosts give MediaPipe's FaceLandmarker and take back from it, so the browser and Node run the same task
 * the same way: the CPU delegate (its GPU delegate lacks ops this model needs), the head pose matrix, one threshold.
 */
export function landmarkerOptions(bundle: Uint8Array, options: FaceDetectorOptions): FaceLandmarkerOptions {
  return {
    baseOptions: { modelAssetBuffer: bundle, delegate: 'CPU' },
    runningMode: options.mode === 'video' ? 'VIDEO' : 'IMAGE',
    numFaces: options.maxFaces,
    minFaceDetectionConfidence: options.minConfidence,
    minFacePresenceConfidence: options.minConfidence,
    minTrackingConfidence: options.minConfidence,
    outputFacialTransformationMatrixes: true,
  };
}

/** MediaPipe gives x and y as fractions of the image and z on x's scale: turn all three into pixels. */
export function facesInPixels(result: FaceLandmarkerResult, width: number, height: number): DetectedFace[] {
  return result.faceLandmarks.map((landmarks, face) => {
    const points = new Float32Array(landmarks.length * 3);
    landmarks.forEach((point, i) => {
      points[i * 3] = point.x * width;
      points[i * 3 + 1] = point.y * height;
      points[i * 3 + 2] = point.z * width;
    });
    const matrix = result.facialTransformationMatrixes[face]?.data;
    return { points, transform: Float32Array.from(matrix ?? identity) };
  });
}

const identity = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
