/**
 * Derives the mean face that `runtime/align/mean-face.ts` holds (models/mean-face/derive-mean-face.ts says how) from
 * the frontal frames of talking-head videos, found with the Node host's landmarker. Run by hand, never by the app:
 *
 *   npx tsx tools/derive-mean-face.ts [--write] video...
 */
import { writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { deriveMeanFace, frontalDegrees, meanFaceSource } from '../models/mean-face/derive-mean-face.ts';
import { headAngles } from '../runtime/eval/face-motion.ts';
import { createNodeHost } from '../runtime/node/node-host.ts';

/** The raw landmarks (no smoothing, no gap filling) of every frontal frame of `videos`, found in video mode. */
async function frontalFaces(videos: string[]): Promise<Float32Array[]> {
  const host = createNodeHost();
  const faces: Float32Array[] = [];
  for (const path of videos) {
    const reader = await host.openVideo(path, { start: 0 });
    const detector = await host.createFaceDetector({ mode: 'video', maxFaces: 1, minConfidence: 0.5 });
    try {
      for (let frame = await reader.next(), index = 0; frame; frame = await reader.next(), index++) {
        const [face] = await detector.detect(frame, Math.round((index * 1000) / reader.info.fps));
        if (!face) continue;
        const { yaw, pitch } = headAngles(face.transform);
        if (Math.abs(yaw) <= frontalDegrees && Math.abs(pitch) <= frontalDegrees) faces.push(face.points);
      }
    } finally {
      detector.close();
      await reader.close();
    }
  }
  return faces;
}

async function main(args: string[]): Promise<void> {
  const write = args.includes('--write');
  const given = args.filter((arg) => arg !== '--write');
  const root = fileURLToPath(new URL('..', import.meta.url));
  const videos = given.length > 0 ? given.map((path) => resolve(path)) : ['d0', 'd18', 'd20', 'd13'].map((name) => resolve(root, '..', 'shared', 'media', 'driving', `${name}.mp4`));
  const mean = deriveMeanFace(await frontalFaces(videos));
  const source = meanFaceSource(mean, videos.map((path) => basename(path)));
  if (write) await writeFile(resolve(root, 'runtime', 'align', 'mean-face.ts'), source);
  else process.stdout.write(source);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
