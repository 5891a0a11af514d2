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
