import { describe, expect, it } from 'vitest';
import { createNodeFaceDetector } from '../runtime/node/mediapipe/node-face-detector.ts';
import { createThreadedFaceDetector } from '../runtime/node/mediapipe/threaded-face-detector.ts';
import { readImageFile } from '../runtime/node/image-file.ts';
import { hasSharedMedia, sharedMedia } from '../support/cli.ts';

// Needs ../shared/media: paintings with faces.
describe.skipIf(!hasSharedMedia)('the landmarker on a worker thread', () => {
  it('finds what the landmarker finds in this thread, answering overlapping requests in order', async () => {
    const images = await Promise.all(['s5', 's9', 's0'].map((name) => readImageFile(sharedMedia(`source/${name}.jpg`))));
    const local = await createNodeFaceDetector({ mode: 'image', maxFaces: 1, minConfidence: 0.5 });
    const threaded = await createThreadedFaceDetector({ mode: 'image', maxFaces: 1, minConfidence: 0.5 });
    try {
      const expected = await Promise.all(images.map((image) => local.detect(image, 0)));
      // All three asked at once: each answer must belong to its own picture.
      const answers = await Promise.all(images.map((image) => threaded.detect(image, 0)));
      for (const [i, faces] of answers.entries()) {
        expect(faces).toHaveLength(1);
        const difference = Math.max(...faces[0]!.points.map((value, k) => Math.abs(value - expected[i]![0]!.points[k]!)));
        expect(difference).toBeLessThan(1e-3);
      }
      // The caller's pixels are left as they were (the worker gets a copy).
      expect(images[0]!.data.byteLength).toBe(images[0]!.width * images[0]!.height * 4);
    } finally {
      local.close();
      threaded.close();
    }
  });

  it('passes a failure inside the worker back to the caller as an error', async () => {
    const threaded = await createThreadedFaceDetector({ mode: 'image', maxFaces: 1, minConfidence: 0.5 });
    try {
      await expect(threaded.detect({ width: 10, height: 10, data: new Uint8Array(12) }, 0)).rejects.toThrow('a 10x10 picture needs 400 bytes of RGBA, not 12');
      // And keeps working afterwards.
      const image = await readImageFile(sharedMedia('source/s5.jpg'));
      expect(await threaded.detect(image, 0)).toHaveLength(1);
    } finally {
      threaded.close();
    }
  });
});
