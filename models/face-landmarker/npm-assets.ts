import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The model files inside the `@mediapipe/face_mesh` npm package. They are packed into one Emscripten data file; its
 * loader script lists each file's byte range, which is read here rather than trusted as fixed numbers.
 */
export interface FaceMeshAssets {
  landmarkerWithAttention: Uint8Array;
  detectorShortRange: Uint8Array;
  geometryMetadata: Uint8Array;
  /** `@mediapipe/face_mesh`'s version: part of the bundle's cache key. */
  packageVersion: string;
}

const wanted = {
  landmarkerWithAttention: 'face_landmark_with_attention.tflite',
  detectorShortRange: 'face_detection_short_range.tflite',
  geometryMetadata: 'geometry_pipeline_metadata_landmarks.binarypb',
} as const;

const require = createRequire(import.meta.url);

export function faceMeshPackageVersion(): string {
  return (require('@mediapipe/face_mesh/package.json') as { version: string }).version;
}

export async function readFaceMeshAssets(): Promise<FaceMeshAssets> {
  const folder = dirname(require.resolve('@mediapipe/face_mesh/package.json'));
  const packageVersion = faceMeshPackageVersion();
  const loader = await readFile(join(folder, 'face_mesh_solution_packed_assets_loader.js'), 'utf8');
  const packed = new Uint8Array(await readFile(join(folder, 'face_mesh_solution_packed_assets.data')));
  const ranges = new Map<string, { start: number; end: number }>();
  for (const match of loader.matchAll(/"filename":\s*"([^"]+)",\s*"start":\s*(\d+),\s*"end":\s*(\d+)/g)) {
    ranges.set(match[1]!.split('/').at(-1)!, { start: Number(match[2]), end: Number(match[3]) });
  }
  const take = (name: string) => {
    const range = ranges.get(name);
    if (!range || range.end > packed.length) {
      throw new Error(`@mediapipe/face_mesh ${packageVersion} does not hold ${name} where its loader says; reinstall it`);
    }
    return packed.slice(range.start, range.end);
  };
  return {
    landmarkerWithAttention: take(wanted.landmarkerWithAttention),
    detectorShortRange: take(wanted.detectorShortRange),
    geometryMetadata: take(wanted.geometryMetadata),
    packageVersion,
  };
}
