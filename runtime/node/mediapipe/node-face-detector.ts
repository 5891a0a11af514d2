import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FaceLandmarker as FaceLandmarkerType } from '@mediapipe/tasks-vision';
import type { FaceDetector, FaceDetectorOptions } from '../../face-detector.ts';
import { facesInPixels, landmarkerOptions } from '../../landmarks/mediapipe-landmarker.ts';
import { createCpuCanvas } from './cpu-webgl2.ts';
import { faceLandmarkerBundle } from './landmarker-bundle-file.ts';
import { installMediapipeGlobals } from './node-globals.ts';

interface TasksVision {
  FaceLandmarker: typeof FaceLandmarkerType;
  moduleFactory: unknown;
  wasmBinaryPath: string;
}

let tasksVision: Promise<TasksVision> | undefined;

/**
 * Loads MediaPipe Tasks Vision in plain Node: its wasm loader is a classic browser script, evaluated here as such
 * (its Emscripten code reads the .wasm from disk under Node), and its ES module bundle is imported as usual.
 */
function loadTasksVision(): Promise<TasksVision> {
  tasksVision ??= (async () => {
    installMediapipeGlobals();
    const require = createRequire(import.meta.url);
    const bundlePath = require.resolve('@mediapipe/tasks-vision');
    const wasmFolder = join(dirname(bundlePath), 'wasm');
    const loaderPath = join(wasmFolder, 'vision_wasm_internal.js');
    const source = await readFile(loaderPath, 'utf8');
    const evaluate = new Function('module', 'exports', 'require', '__filename', '__dirname', `${source}\nreturn ModuleFactory;`);
    const moduleFactory: unknown = evaluate({ exports: {} }, {}, require, loaderPath, wasmFolder);
    const { FaceLandmarker } = (await import(pathToFileURL(join(dirname(bundlePath), 'vision_bundle.mjs')).href)) as {
      FaceLandmarker: typeof FaceLandmarkerType;
    };
    return { FaceLandmarker, moduleFactory, wasmBinaryPath: join(wasmFolder, 'vision_wasm_internal.wasm') };
  })();
  return tasksVision;
}

export async function createNodeFaceDetector(options: FaceDetectorOptions): Promise<FaceDetector> {
  const [{ FaceLandmarker, moduleFactory, wasmBinaryPath }, bundle] = await Promise.all([loadTasksVision(), faceLandmarkerBundle()]);
  const global = globalThis as Record<string, unknown>;
  // The bundle takes the loader from self.ModuleFactory (and clears it after each task) and its settings from
  // self.Module: give it the .wasm's place, and keep MediaPipe's own log lines out of the user's terminal.
  global.ModuleFactory = moduleFactory;
  global.Module = { locateFile: (file: string) => (file.endsWith('.wasm') ? wasmBinaryPath : file), print: () => undefined, printErr: () => undefined };
  const landmarker = await quietly(() => FaceLandmarker.createFromOptions(
    { wasmLoaderPath: '', wasmBinaryPath },
    // Under Node there is no WebGL: the task gets a canvas whose context keeps textures on the CPU.
    { ...landmarkerOptions(bundle, options), canvas: createCpuCanvas() as HTMLCanvasElement },
  ));
  return {
    async detect(image, timestampMs) {
      // MediaPipe would read past a short buffer rather than complain.
      if (image.data.byteLength !== image.width * image.height * 4) {
        throw new Error(`a ${image.width}x${image.height} picture needs ${image.width * image.height * 4} bytes of RGBA, not ${image.data.byteLength}`);
      }
      const input = { data: new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.byteLength), width: image.width, height: image.height };
      const result = quietly(() =>
        options.mode === 'video'
          ? landmarker.detectForVideo(input as unknown as ImageData, timestampMs)
          : landmarker.detect(input as unknown as ImageData),
      );
      return facesInPixels(result, image.width, image.height);
    },
    close: () => quietly(() => landmarker.close()),
  };
}

// MediaPipe's C++ logging reaches JavaScript as console.warn (its wasm build has no hook to redirect it); its
// informational lines ("Created TensorFlow Lite XNNPACK delegate", "Feedback manager requires...", some only on
// close) would otherwise land in the middle of a progress bar. Errors still surface as exceptions.
function quietly<T>(work: () => T): T {
  const warn = console.warn;
  console.warn = () => undefined;
  let result: T;
  try {
    result = work();
  } catch (error) {
    console.warn = warn;
    throw error;
  }
  // A promise keeps the warnings quiet until it settles (creating a task logs while it loads).
  if (result instanceof Promise) return result.finally(() => (console.warn = warn)) as T;
  console.warn = warn;
  return result;
}
