import { describe, expect, it } from 'vitest';
import { readImageFile } from '../image-file.ts';
import { createNodeFaceDetector } from './node-face-detector.ts';
import { hasSharedMedia, sharedMedia } from '../../../support/cli.ts';

// Needs ../shared/media for a face; the landmarker runs in this test's own process.
describe.skipIf(!hasSharedMedia)("MediaPipe's usage posts", () => {
  it('never leave the process, while other requests pass through', async () => {
    const network: string[] = [];
    // Stands in for the network: what reaches it would have been sent.
    globalThis.fetch = async (input: RequestInfo | URL) => {
      network.push(String(input instanceof Request ? input.url : input));
      return new Response('', { status: 200 });
    };
    const detector = await createNodeFaceDetector({ mode: 'video', maxFaces: 1, minConfidence: 0.5 });
    // What MediaPipe itself calls, seen above the guard that the landmarker installed.
    const asked: string[] = [];
    const guarded = globalThis.fetch;
    globalThis.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
      asked.push(String(input instanceof Request ? input.url : input));
      return guarded(input, init);
    };
    const image = await readImageFile(sharedMedia('source/s5.jpg'));
    for (let i = 0; i < 3; i++) expect(await detector.detect(image, i * 40)).toHaveLength(1);
    detector.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(asked.some((url) => url.startsWith('https://odml.pa.googleapis.com/'))).toBe(true);
    expect(network).toEqual([]);
    await fetch('https://example.invalid/other');
    expect(network).toEqual(['https://example.invalid/other']);
  });
});
