import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { faceLandmarkerSourceKey } from '../models/face-landmarker/build-bundle.ts';
import { VivifyError } from '../runtime/errors.ts';
import { detectProviders } from '../runtime/node/execution-providers.ts';
import { ffmpegBinaries, ffmpegVersion } from '../runtime/node/ffmpeg-binaries.ts';
import { modelsFolder } from '../models/store/models-folder.ts';

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** What this machine gives Vivify: ffmpeg, onnxruntime's providers, a GPU, the models folder. */
export function doctorCommand(options: { json?: boolean }): void {
  const checks: Check[] = [];
  try {
    const binaries = ffmpegBinaries();
    checks.push({ name: 'ffmpeg', ok: true, detail: `${binaries.ffmpeg} (from ${binaries.origin}): ${ffmpegVersion(binaries.ffmpeg)}` });
    checks.push({ name: 'ffprobe', ok: true, detail: binaries.ffprobe });
  } catch (error) {
    checks.push({ name: 'ffmpeg', ok: false, detail: (error as Error).message });
  }
  const require = createRequire(import.meta.url);
  const ortVersion = (require('onnxruntime-node/package.json') as { version: string }).version;
  const providers = detectProviders();
  checks.push({
    name: 'onnxruntime',
    ok: true,
    detail: `onnxruntime-node ${ortVersion}: ${providers.available.join(', ')}${providers.cudaMissing ? `; CUDA unavailable: ${providers.cudaMissing}` : ''}${providers.webgpuMissing ? `; WebGPU unavailable: ${providers.webgpuMissing}` : ''}`,
  });
  checks.push({ name: 'GPU', ok: true, detail: providers.gpu ?? 'none seen (models run on the CPU)' });
  const models = modelsFolder();
  checks.push({ name: 'models', ok: true, detail: `${models.path} (${models.origin})` });
  checks.push({ name: 'landmarker', ok: true, detail: landmarkerState(models.path) });
  checks.push({ name: 'node', ok: true, detail: `${process.version} on ${process.platform} ${process.arch}` });

  if (options.json) {
    process.stdout.write(`${JSON.stringify({ ok: checks.every((c) => c.ok), checks })}\n`);
  } else {
    const width = Math.max(...checks.map((c) => c.name.length));
    for (const check of checks) process.stdout.write(`${check.ok ? 'ok  ' : 'FAIL'} ${check.name.padEnd(width)}  ${check.detail}\n`);
  }
  if (!checks.every((c) => c.ok)) throw new VivifyError('doctor found a problem: see the FAIL lines above');
}

/** Whether the face landmarker bundle is built yet (it is built from npm-shipped models on first use). */
function landmarkerState(folder: string): string {
  const path = join(folder, 'mediapipe', 'face_landmarker.task');
  try {
    const record = JSON.parse(readFileSync(`${path}.json`, 'utf8')) as { sourceKey: string; sha256: string };
    const current = record.sourceKey === faceLandmarkerSourceKey() ? '' : ' (stale: rebuilt on next use)';
    return `${path}, sha256 ${record.sha256.slice(0, 12)}..., from ${record.sourceKey}${current}`;
  } catch {
    return `not built yet: built from ${faceLandmarkerSourceKey()} on first use, no download`;
  }
}
