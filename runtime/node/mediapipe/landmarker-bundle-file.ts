import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { buildFaceLandmarkerBundle, faceLandmarkerSourceKey } from '../../../models/face-landmarker/build-bundle.ts';
import { modelsFolder } from '../../../models/store/models-folder.ts';
import { writeOutputFile } from '../output-file.ts';

interface BundleRecord {
  sourceKey: string;
  sha256: string;
}

let loaded: Promise<Uint8Array> | undefined;

/**
 * The face landmarker `.task` bundle, built once from the npm-shipped models and kept in the models folder with a
 * record of what it was built from and its sha256; rebuilt when either no longer matches. Where the folder cannot be
 * written, the bundle is built in memory for this run (it takes well under a second).
 */
export function faceLandmarkerBundle(): Promise<Uint8Array> {
  loaded ??= loadOrBuild();
  return loaded;
}

async function loadOrBuild(): Promise<Uint8Array> {
  const path = join(modelsFolder().path, 'mediapipe', 'face_landmarker.task');
  const recordPath = `${path}.json`;
  const [cached, record] = await Promise.all([
    readFile(path).catch(() => undefined),
    readFile(recordPath, 'utf8').then((text) => JSON.parse(text) as BundleRecord, () => undefined),
  ]);
  if (cached && record && record.sourceKey === faceLandmarkerSourceKey() && sha256(cached) === record.sha256) return new Uint8Array(cached);

  const built = await buildFaceLandmarkerBundle();
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeOutputFile(path, built.bytes, true);
    await writeOutputFile(recordPath, `${JSON.stringify({ sourceKey: built.sourceKey, sha256: built.sha256 } satisfies BundleRecord, null, 2)}\n`, true);
  } catch {
    // A read-only models folder only costs a rebuild next time.
  }
  return built.bytes;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
