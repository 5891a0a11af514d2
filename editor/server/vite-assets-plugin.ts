import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';
import { buildFaceLandmarkerBundle } from '../../models/face-landmarker/build-bundle.ts';
import { onnxruntimeWebFiles, onnxruntimeWebFolder } from '../../runtime/browser/browser-onnx.ts';
import { editorAssets } from '../editor-assets.ts';
import { modelStoreMiddleware } from './model-store-middleware.ts';

const require = createRequire(import.meta.url);

/** Where each served asset comes from on disk (or how it is built). */
function assetSources(): Record<string, () => Promise<Uint8Array>> {
  const mediapipe = join(dirname(require.resolve('@mediapipe/tasks-vision')), 'wasm');
  const ffmpeg = join(dirname(require.resolve('@ffmpeg/core')), '..', 'esm');
  const onnxruntime = onnxruntimeWebDist();
  const file = (path: string) => () => readFile(path);
  let bundle: Promise<Uint8Array> | undefined;
  return {
    [`${editorAssets.mediapipeFolder}/vision_wasm_internal.js`]: file(join(mediapipe, 'vision_wasm_internal.js')),
    [`${editorAssets.mediapipeFolder}/vision_wasm_internal.wasm`]: file(join(mediapipe, 'vision_wasm_internal.wasm')),
    [editorAssets.landmarkerBundle]: () => (bundle ??= buildFaceLandmarkerBundle().then((built) => built.bytes)),
    [editorAssets.ffmpegCore]: file(join(ffmpeg, 'ffmpeg-core.js')),
    [editorAssets.ffmpegWasm]: file(join(ffmpeg, 'ffmpeg-core.wasm')),
    [editorAssets.visemeModel]: file(require.resolve('@met4citizen/headaudio/dist/model-en-mixed.bin')),
    ...Object.fromEntries(onnxruntimeWebFiles.map((name) => [`${onnxruntimeWebFolder}/${name}`, file(join(onnxruntime, name))])),
  };
}

/** onnxruntime-web's dist folder (its "require" entry lies there). */
function onnxruntimeWebDist(): string {
  return dirname(require.resolve('onnxruntime-web'));
}

/**
 * Serves the editor's vendor assets in development and writes them into the static build; serves the model store at
 * /models/ in development (`vivify editor` serves it beside the build through static-server.ts).
 */
export function editorAssetsPlugin(): Plugin {
  const sources = assetSources();
  return {
    name: 'vivify-editor-assets',
    configureServer(server) {
      server.middlewares.use(modelStoreMiddleware);
      server.middlewares.use(async (request, response, next) => {
        const path = decodeURIComponent((request.url ?? '').split('?')[0]!.replace(/^\//, ''));
        const source = sources[path];
        if (!source) return next();
        const bytes = await source();
        response.setHeader('Content-Type', contentType(path));
        response.end(bytes);
      });
    },
    async generateBundle() {
      for (const [fileName, source] of Object.entries(sources)) {
        this.emitFile({ type: 'asset', fileName, source: await source() });
      }
    },
  };
}

function contentType(path: string): string {
  if (path.endsWith('.wasm')) return 'application/wasm';
  if (path.endsWith('.js') || path.endsWith('.mjs')) return 'text/javascript';
  return 'application/octet-stream';
}

/**
 * Resolves onnxruntime-web to the build that loads its wasm from env.wasm.wasmPaths (vendor/onnxruntime): the default
 * one names the wasm with `new URL(…, import.meta.url)`, which vite would copy into assets a second time (28 MB).
 * The page and the runner worker both need it (vite builds workers with their own plugins).
 */
export function onnxruntimeWebPlugin(): Plugin {
  return {
    name: 'vivify-onnxruntime-web',
    // Before vite's resolver, which would pick onnxruntime-web's default build.
    enforce: 'pre',
    config: () => ({ optimizeDeps: { exclude: ['onnxruntime-web'] } }),
    resolveId(id) {
      if (id === 'onnxruntime-web') return join(onnxruntimeWebDist(), 'ort.min.mjs');
      return undefined;
    },
  };
}
