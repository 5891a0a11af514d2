import { createBrowserFaceDetector } from '../../../runtime/browser/browser-face-detector.ts';

/** Runs the browser host's landmarker on raw RGBA pixels fetched from `pixelsUrl`; returns the first face's points. */
async function detect(pixelsUrl: string, width: number, height: number, wasmFolderUrl: string, bundleUrl: string): Promise<number[]> {
  const data = new Uint8Array(await (await fetch(pixelsUrl)).arrayBuffer());
  const detector = await createBrowserFaceDetector({ mode: 'image', maxFaces: 1, minConfidence: 0.5 }, { wasmFolderUrl, bundleUrl });
  const [face] = await detector.detect({ width, height, data }, 0);
  detector.close();
  return face ? Array.from(face.points) : [];
}

(window as unknown as { detect: typeof detect }).detect = detect;
document.title = 'ready';
