/*
 * Which landmarks of MediaPipe's 478-point face mesh are joined by lines. The lists come from
 * @mediapipe/tasks-vision itself, the model's own publisher, so they cannot drift from the
 * topology; the package's module only defines classes at import, and needs no DOM or WASM until
 * a task is created, so it loads in Node as well as in the browser.
 */
import { FaceLandmarker } from '@mediapipe/tasks-vision';

/** A line between two landmarks, by index. */
export interface MeshConnection {
  readonly start: number;
  readonly end: number;
}

/** Landmarks in the mesh: 468 for the face, then 5 for each iris. */
export const faceMeshPointCount = 478;

const fromPackage = {
  /** The 852 triangles covering the face, three edges each: an edge two triangles share is listed twice. */
  tessellation: FaceLandmarker.FACE_LANDMARKS_TESSELATION,
  faceOval: FaceLandmarker.FACE_LANDMARKS_FACE_OVAL,
  lips: FaceLandmarker.FACE_LANDMARKS_LIPS,
  leftEye: FaceLandmarker.FACE_LANDMARKS_LEFT_EYE,
  rightEye: FaceLandmarker.FACE_LANDMARKS_RIGHT_EYE,
  leftEyebrow: FaceLandmarker.FACE_LANDMARKS_LEFT_EYEBROW,
  rightEyebrow: FaceLandmarker.FACE_LANDMARKS_RIGHT_EYEBROW,
  /** The four points around each iris. */
  leftIris: FaceLandmarker.FACE_LANDMARKS_LEFT_IRIS,
  rightIris: FaceLandmarker.FACE_LANDMARKS_RIGHT_IRIS,
};

/** "Left" and "right" are the person's own, so the left eye appears on the image's right. Shared with the package: read-only. */
export const faceMeshConnections: { readonly [Feature in keyof typeof fromPackage]: readonly MeshConnection[] } = fromPackage;

/** Each iris's centre landmark, which the package lists no connection for: the one just before its four ring points. */
export const irisCentres = { left: 473, right: 468 } as const;
