import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';
import { editorAssetsPlugin, onnxruntimeWebPlugin } from './vite-assets-plugin.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

// The editor is a static build: `npm run dev` serves it from source, `vivify editor` serves editor/dist.
export default defineConfig({
  root,
  base: './',
  plugins: [solid(), editorAssetsPlugin(), onnxruntimeWebPlugin()],
  // ffmpeg.wasm starts its own module worker; pre-bundling would move it away from the worker file it loads.
  optimizeDeps: { exclude: ['@ffmpeg/ffmpeg', '@ffmpeg/util'] },
  // The runner worker (editor/runner) is bundled with its own plugins: it loads onnxruntime-web too.
  worker: { format: 'es', plugins: () => [onnxruntimeWebPlugin()] },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4096 },
  server: { fs: { allow: [fileURLToPath(new URL('../..', import.meta.url))] } },
});
