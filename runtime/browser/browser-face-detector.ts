import { FaceLandmarker } from '@mediapipe/tasks-vision';
import type { FaceDetector, FaceDetectorOptions } from '../face-detector.ts';
import { facesInPixels, landmarkerOptions } from '../landmarks/mediapipe-landmarker.ts';
import { blockMediapipeTelemetry } from '../landmarks/mediapipe-telemetry.ts';

/** Where the browser finds MediaPipe's wasm files and the face landmarker bundle (served with the editor). */
export interface LandmarkerAssets {
  /** Folder URL holding tasks-vision's `vision_wasm_internal.js` and `.wasm`. */
  wasmFolderUrl: string;
  /** URL of the `face_landmarker.task` bundle built from the npm-shipped models. */
  bundleUrl: string;
}

let bundle: Promise<Uint8Array> | undefined;

/** The browser's landmarker: the same task, bundle and options as in Node, with the CPU delegate. */
export async function createBrowserFaceDetector(options: FaceDetectorOptions, assets: LandmarkerAssets): Promise<FaceDetector> {
  blockMediapipeTelemetry();
  loadGlueInModuleWorkers();
  bundle ??= fetch(assets.bundleUrl).then(async (response) => {
    if (!response.ok) throw new Error(`${assets.bundleUrl}: ${response.status} ${response.statusText}`);
    return new Uint8Array(await response.arrayBuffer());
  });
  const folder = assets.wasmFolderUrl.replace(/\/$/, '');
  const landmarker = await FaceLandmarker.createFromOptions(
    { wasmLoaderPath: `${folder}/vision_wasm_internal.js`, wasmBinaryPath: `${folder}/vision_wasm_internal.wasm` },
    landmarkerOptions(await bundle, options),
  );
  return {
    async detect(image, timestampMs) {
      // ImageData needs its own ArrayBuffer-backed copy of the pixels.
      const pixels = new ImageData(new Uint8ClampedArray(image.data), image.width, image.height);
      const result = options.mode === 'video' ? landmarker.detectForVideo(pixels, timestampMs) : landmarker.detect(pixels);
      return facesInPixels(result, image.width, image.height);
    },
    close: () => landmarker.close(),
  };
}

/**
 * MediaPipe loads its wasm glue (a classic script defining `ModuleFactory`) with importScripts, which throws in a
 * module worker; it then calls `self.import` where there is one, else imports the script as a module, which keeps
 * `ModuleFactory` to itself ("ModuleFactory not set") and runs it in strict mode, where it fails. This `self.import`
 * runs the script as a classic one would be run (sloppy mode) and sets `ModuleFactory` where MediaPipe looks.
 */
function loadGlueInModuleWorkers(): void {
  const scope = globalThis as { import?: (url: string) => Promise<void>; ModuleFactory?: unknown };
  if (typeof document !== 'undefined' || scope.import) return;
  scope.import = async (url) => {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: ${response.status} ${response.statusText}`);
    // The editor's own file, served beside it (editor/server/vite-assets-plugin.ts).
    scope.ModuleFactory = new Function(`${await response.text()}\nreturn ModuleFactory;`)();
  };
}
