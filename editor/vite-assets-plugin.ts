import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';
import { buildFaceLandmarkerBundle } from '../models/face-landmarker/build-bundle.ts';
import { editorAssets } from './editor-assets.ts';

const require = createRequire(import.meta.url);

/** Where each served asset comes from on disk (or how it is built). */
function assetSources(): Record<string, () => Promise<Uint8Array>> {
  const mediapipe = join(dirname(require.resolve('@mediapipe/tasks-vision')), 'wasm');
  const ffmpeg = join(dirname(require.resolve('@ffmpeg/core')), '..', 'esm');
  const file = (path: string) => () => readFile(path);
  let bundle: Promise<Uint8Array> | undefined;
  return {
    [`${editorAssets.mediapipeFolder}/vision_wasm_internal.js`]: file(join(mediapipe, 'vision_wasm_internal.js')),
    [`${editorAssets.mediapipeFolder}/vision_wasm_internal.wasm`]: file(join(mediapipe, 'vision_wasm_internal.wasm')),
    [editorAssets.landmarkerBundle]: () => (bundle ??= buildFaceLandmarkerBundle().then((built) => built.bytes)),
    [editorAssets.ffmpegCore]: file(join(ffmpeg, 'ffmpeg-core.js')),
    [editorAssets.ffmpegWasm]: file(join(ffmpeg, 'ffmpeg-core.wasm')),
  };
}

/** Serves the editor's vendor assets in development and writes them into the static build. */
export function editorAssetsPlugin(): Plugin {
  const sources = assetSources();
  return {
    name: 'vivify-editor-assets',
    configureServer(server) {
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
  if (path.endsWith('.js')) return 'text/javascript';
  return 'application/octet-stream';
}
