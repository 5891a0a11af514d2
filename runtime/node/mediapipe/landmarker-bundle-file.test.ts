import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { makeTempDir } from '../../../support/cli.ts';
import { recordedBundleSha256 } from '../../../models/face-landmarker/build-bundle.ts';

describe('the cached landmarker bundle', () => {
  it('is written to the models folder once, with its sha256, and rebuilt when damaged', async () => {
    const dir = await makeTempDir();
    vi.stubEnv('VIVIFY_MODELS_DIR', dir.path);
    try {
      vi.resetModules();
      const first = await import('./landmarker-bundle-file.ts');
      await first.faceLandmarkerBundle();
      const path = join(dir.path, 'mediapipe', 'face_landmarker.task');
      expect(JSON.parse(await readFile(`${path}.json`, 'utf8'))).toMatchObject({ sha256: recordedBundleSha256 });
      await writeFile(path, 'damaged');
      vi.resetModules();
      const second = await import('./landmarker-bundle-file.ts');
      const bytes = await second.faceLandmarkerBundle();
      expect(bytes.length).toBeGreaterThan(1_000_000);
      expect((await readFile(path)).length).toBe(bytes.length);
    } finally {
      vi.unstubAllEnvs();
      await dir.remove();
    }
  });
});
