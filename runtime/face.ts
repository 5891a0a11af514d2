/** Landmarks of one face in one image or frame, in pixels of that image. */
export interface FaceLandmarks {
  /** x, y, z for each landmark (MediaPipe's 478-point topology), z in the same pixel scale as x. */
  points: Float32Array;
  /** Column-major 4x4 facial transformation matrix: the head's pose. */
  transform: Float32Array;
  confidence: number;
  /** False where no face was found and the points are held or interpolated from other frames. */
  found: boolean;
}

/** A face's points, then its 16 pose values, in one vector: for holding and interpolating a face as one set of numbers. */
export function faceValues(points: Float32Array, transform: Float32Array): Float32Array {
  const values = new Float32Array(points.length + 16);
  values.set(points);
  values.set(transform, points.length);
  return values;
}

/** The face a `faceValues` vector holds; confidence 1 where it was found in its own frame, 0 where held or filled. */
export function faceFromValues(values: Float32Array, found: boolean): FaceLandmarks {
  const split = values.length - 16;
  return { points: values.subarray(0, split), transform: values.subarray(split), confidence: found ? 1 : 0, found };
}

/** Distance in the picture (x, y) between landmarks `a` and `b` of flat x, y, z points. */
export function landmarkDistance(points: Float32Array, a: number, b: number): number {
  return Math.hypot(points[a * 3]! - points[b * 3]!, points[a * 3 + 1]! - points[b * 3 + 1]!);
}
