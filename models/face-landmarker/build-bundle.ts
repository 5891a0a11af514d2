import { createHash } from 'node:crypto';
import { zipSync } from 'fflate';
import { faceMeshPackageVersion, readFaceMeshAssets } from './npm-assets.ts';
import { refineLandmarksEdit } from './refine-landmarks-graph.ts';
import { editTfliteModel } from './tflite-edit.ts';
import { imageInputMetadata } from './tflite-metadata.ts';

/** Bumped whenever the builder's output changes, so cached bundles from an older builder are rebuilt. */
export const bundleBuilderVersion = 1;

/** What a bundle is built from: equal keys give equal bytes. */
export function faceLandmarkerSourceKey(): string {
  return `@mediapipe/face_mesh@${faceMeshPackageVersion()}+builder${bundleBuilderVersion}`;
}

/** The sha256 of the bundle built from @mediapipe/face_mesh 0.4.1657299874 (a test checks the builder still gives it). */
export const recordedBundleSha256 = '0f0316c22df5c743c15cb089b45e1f5fdb22c6857753b057227f3410b69ce5e3';

export interface FaceLandmarkerBundle {
  /** The `.task` file MediaPipe Tasks' FaceLandmarker loads. */
  bytes: Uint8Array;
  sha256: string;
  /** What the bundle was built from: equal keys give equal bytes. */
  sourceKey: string;
}

/**
 * Builds MediaPipe's face landmarker `.task` bundle from the models inside the `@mediapipe/face_mesh` npm package:
 * the short-range face detector and the attention landmark model, each given the TFLite metadata the task needs, the
 * landmark model extended to output the 478 refined landmarks, zipped with the canonical face geometry (for the head
 * pose matrix). Pure TypeScript, no network; the same package version always gives the same bytes.
 */
export async function buildFaceLandmarkerBundle(): Promise<FaceLandmarkerBundle> {
  const assets = await readFaceMeshAssets();
  const detector = editTfliteModel(assets.detectorShortRange, {
    metadata: {
      TFLITE_METADATA: imageInputMetadata({
        name: 'face_detector',
        description: 'BlazeFace short-range face detector, from @mediapipe/face_mesh',
        inputName: 'input',
        // The detector takes pixels in [-1, 1].
        mean: 127.5,
        std: 127.5,
      }),
    },
  });
  const landmarks = editTfliteModel(assets.landmarkerWithAttention, {
    metadata: {
      TFLITE_METADATA: imageInputMetadata({
        name: 'face_landmarks_detector',
        description: 'MediaPipe face mesh with attention, refined to 478 landmarks, from @mediapipe/face_mesh',
        inputName: 'input_1',
        // The landmark model takes pixels in [0, 1].
        mean: 0,
        std: 255,
      }),
    },
    subgraph: refineLandmarksEdit(assets.landmarkerWithAttention),
  });
  // Stored (no compression) like MediaPipe's own bundles; a fixed local date keeps the bytes the same in any time zone.
  const date = new Date(1980, 0, 1);
  const bytes = zipSync(
    {
      'face_detector.tflite': [detector, { level: 0, mtime: date }],
      'face_landmarks_detector.tflite': [landmarks, { level: 0, mtime: date }],
      'geometry_pipeline_metadata_landmarks.binarypb': [assets.geometryMetadata, { level: 0, mtime: date }],
    },
    { level: 0, mtime: date },
  );
  return {
    bytes,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    sourceKey: faceLandmarkerSourceKey(),
  };
}
