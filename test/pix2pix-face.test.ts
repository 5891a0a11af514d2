import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelStatus } from '../editor/session/model-status.ts';
import { modelProblem } from '../models/store/index.ts';
import { createRegistry } from '../nodes/index.ts';
import { pix2pixFace } from '../nodes/pix2pix-face.ts';
import { alignFace, landmarksInCrop } from '../runtime/align/face-align.ts';
import { drawFaceSketch } from '../runtime/draw/face-sketch.ts';
import { faceMotion } from '../runtime/eval/face-motion.ts';
import type { FaceLandmarks } from '../runtime/face.ts';
import type { Host } from '../runtime/host.ts';
import type { FrameContext } from '../runtime/node-definition.ts';
import { defaultParams } from '../runtime/params.ts';
import { rgbaToPlanar } from '../runtime/style/planar-rgb.ts';
import { readGraphFile } from '../runtime/node/graph-file.ts';
import { createNodeHost } from '../runtime/node/node-host.ts';
import { hasSharedMedia, listFiles, makeClip, makeTempDir, probeFile, repoRoot, runCli, sharedMedia } from '../support/cli.ts';
import { videoLandmarks } from './support/landmarks.ts';
import { pix2pixGeneratorUnavailable, registerPix2pixStandin } from './support/pix2pix-generator.ts';

const exec = promisify(execFile);
const preset = 'presets/pix2pix-face.json';

let dir: { path: string; remove: () => Promise<void> };
beforeAll(async () => {
  dir = await makeTempDir();
});
afterAll(() => dir?.remove());

describe('pix2pix-face without its model', () => {
  it('is listed by vivify nodes among the methods, with its model parameter', async () => {
    const result = await runCli(['nodes']);
    expect(result.code, result.stderr).toBe(0);
    const methods = result.stdout.slice(result.stdout.indexOf('\nmethod\n'));
    expect(methods).toMatch(/\n {2}pix2pix-face \(v1\): pix2pix face \(learned Face2Face\)\. /);
    expect(methods).toContain('model: text, default "pix2pix"');
  });

  it('names vivify train pix2pix as the way to get the model, before rendering anything', async () => {
    const folder = join(dir.path, 'missing');
    await mkdir(folder);
    const store = join(folder, 'models');
    const clip = await makeClip(join(folder, 'clip.mp4'), { frames: 5 });
    const picture = join(folder, 'target.png');
    await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 120, g: 90, b: 80 } } }).png().toFile(picture);
    const out = join(folder, 'out.mp4');
    const render = await runCli(['render', preset, '--models-dir', store, '--source', picture, '--driving', clip, '-o', out]);
    expect(render.code).toBe(2);
    expect(render.stderr).toBe(`vivify: ${await modelProblem(store, 'pix2pix', 'pix2pix')}\n`);
    expect(render.stderr).toContain('needs model "pix2pix"');
    expect(render.stderr).toContain(`vivify train pix2pix <target video> --out <dir> --name pix2pix --models-dir ${store}`);
    expect(existsSync(out)).toBe(false);
    expect(await listFiles(folder)).toEqual(['clip.mp4', 'target.png']);
  });

  it("is marked in the editor with the remedy, as DeepFakes' node is", async () => {
    const store = join(dir.path, 'editor-store');
    const registry = createRegistry();
    const document = await readGraphFile(join(repoRoot, preset), registry);
    const models = createModelStatus({
      store: { document: () => document, generation: () => 1 },
      registry,
      access: createNodeHost({ modelsDir: store, onModelNote: () => {} }),
      setMessage: () => {},
    });
    await models.check();
    const badges = models.badges();
    expect([...badges.keys()]).toEqual(['face']);
    expect(badges.get('face')).toMatchObject({ text: 'model missing: vivify train pix2pix', tone: 'error' });
    expect(badges.get('face')!.detail).toContain('a pix2pix face generator is trained on this machine, from video of the target person: vivify train pix2pix <target video>');

    // Once a model of the family is registered, the default id stands for it and the mark clears.
    if (pix2pixGeneratorUnavailable) return;
    await registerPix2pixStandin(store, 'pix2pix-editor');
    await models.recheck();
    expect(models.badges().size).toBe(0);
  });
});

// Needs ../shared/media (s9, d20) and PyTorch to export the stand-in generator.
describe.skipIf(!hasSharedMedia || pix2pixGeneratorUnavailable !== undefined)('pix2pix-face with a stand-in generator', () => {
  it('renders s9 driven by d20 through the preset: the face redrawn, the rest of the painting kept', async () => {
    const store = join(dir.path, 'models');
    await registerPix2pixStandin(store, 'pix2pix-standin');
    const painting = sharedMedia('source/s9.jpg');
    const out = join(dir.path, 's9-d20.mp4');
    const frames = 20;
    const render = await runCli(['render', preset, '--models-dir', store, '--source', painting, '--driving', sharedMedia('driving/d20.mp4'), '-o', out, '--frames', `0:${frames}`, '--set', 'out.preset=veryfast']);
    expect(render.code, render.stderr).toBe(0);
    // The preset's default id stands for the model of the family trained most recently.
    expect(render.stderr).toMatch(/^warning: no model is called "pix2pix"; using "pix2pix-standin", the pix2pix model trained here most recently \(.*\)\n$/);
    expect(render.stdout).toMatch(new RegExp(`pix2pix-standin/pix2pix\\.onnx \\(node "face"\\) ran on cpu: [\\d.]+ ms a run, ${frames} runs`));
    expect(await probeFile(out)).toMatchObject({ videoFrames: frames, width: 720, height: 1280 });

    // Where the painting's face is: its landmarks' box.
    const host = createNodeHost();
    const still = await host.readImage(painting);
    const detector = await host.createFaceDetector({ mode: 'image', maxFaces: 1, minConfidence: 0.5 });
    const [face] = await detector.detect(still, 0);
    detector.close();
    const box = landmarkBox(face!.points);
    const inner = { left: box.left + box.width / 4, top: box.top + box.height / 4, width: box.width / 2, height: box.height / 2 };
    const rendered = await videoFrame(out, frames - 1);
    const faceChange = meanDifference(rendered, still, inner);
    // The background: the bottom of the picture (hands and landscape), far below the face.
    const background = meanDifference(rendered, still, { left: 0, top: 1000, width: 720, height: 280 });
    console.log(`[pix2pix-face] s9 d20 frame ${frames - 1}: mean change ${faceChange.toFixed(1)} in the face, ${background.toFixed(2)} far from it`);
    expect(background).toBeLessThan(3);
    expect(faceChange).toBeGreaterThan(10 * Math.max(background, 1));

    // A contact sheet for a person to look at: the painting's face, then output frames, above the driver's frames.
    await mkdir(join(repoRoot, 'test', 'output'), { recursive: true });
    const sheet = join(repoRoot, 'test', 'output', 'contact-sheet-pix2pix-face-s9-d20.png');
    const side = Math.round(Math.max(box.width, box.height) * 2);
    const crop = `crop=${side}:${side}:${Math.max(0, Math.round(box.left + box.width / 2 - side / 2))}:${Math.max(0, Math.round(box.top + box.height / 2 - side / 2))},scale=240:240`;
    const picks = "select='eq(n\\,0)+eq(n\\,7)+eq(n\\,13)+eq(n\\,19)'";
    await exec('ffmpeg', [
      '-v', 'error', '-y', '-i', painting, '-i', out, '-i', sharedMedia('driving/d20.mp4'), '-filter_complex',
      `[0:v]${crop}[p];[1:v]${picks},${crop},tile=4x1[a];[2:v]${picks},scale=240:240,tile=4x1[d];color=black:s=240x240:d=1[k];[p][a]hstack=2[top];[k][d]hstack=2[bottom];[top][bottom]vstack`,
      '-frames:v', '1', sheet,
    ]);
    expect((await sharp(sheet).metadata()).width).toBe(1200);
  }, 300_000);
});

// Needs ../shared/media (s9, d18) and PyTorch, as above.
describe.skipIf(!hasSharedMedia || pix2pixGeneratorUnavailable !== undefined)('pix2pix-face: the sketch the generator sees', () => {
  it("is the target's own training sketch at the driver's reference frame, and opens its mouth as the driver does", async () => {
    const store = join(dir.path, 'sketch-models');
    await registerPix2pixStandin(store, 'pix2pix-sketch');
    // The real host and session; only what the generator is fed is recorded on the way.
    const real = createNodeHost({ modelsDir: store });
    const fed: Float32Array[] = [];
    const host: Host = {
      ...real,
      openModel: async (ref) => {
        const session = await real.openModel(ref);
        return {
          label: session.label,
          provider: session.provider,
          signature: session.signature,
          run: (feeds) => {
            fed.push(Float32Array.from(Object.values(feeds)[0]!.data));
            return session.run(feeds);
          },
          release: () => session.release(),
        };
      },
    };
    const source = await real.readImage(sharedMedia('source/s9.jpg'));
    const detector = await real.createFaceDetector({ mode: 'image', maxFaces: 1, minConfidence: 0.5 });
    const [sourceFace] = (await detector.detect(source, 0)) as FaceLandmarks[];
    detector.close();
    const { faces } = await videoLandmarks(sharedMedia('driving/d18.mp4'));
    // The driver's widest-open mouth against its first face, the reference.
    const opening = faces.map((face) => (face ? faceMotion(face).mouthOpening : 0));
    const widest = opening.indexOf(Math.max(...opening));
    expect(opening[widest]! - opening[0]!).toBeGreaterThan(0.1);

    const params = { ...defaultParams(pix2pixFace.params), model: 'pix2pix-sketch' } as FrameContext<never>['params'];
    const ctx = (index: number) =>
      ({ nodeId: 'face', params, host, signal: new AbortController().signal, streaming: true, timeline: { frameCount: faces.length, fps: 30 }, settings: { overwrite: false, frames: { start: 0 } }, warn: () => {}, tally: () => {}, frame: { index, time: index / 30 } }) as unknown as Parameters<typeof pix2pixFace.run>[0];
    const state = await pix2pixFace.prepare!(ctx(0), {});
    try {
      for (const index of [0, widest]) {
        const result = await pix2pixFace.run(ctx(index), { source, sourceFace: sourceFace!, driving: undefined, drivingFace: faces[index] }, state);
        expect(result.frame.width).toBe(source.width);
      }
    } finally {
      await pix2pixFace.close!(state, 'done');
    }
    expect(state.size).toBe(64);
    // At the reference the retargeted face is the target's own: the sketch is the one a training pair of this
    // picture would hold (its landmarks aligned by alignFace, drawn by drawFaceSketch), up to rounding.
    const own = rgbaToPlanar(drawFaceSketch(landmarksInCrop(sourceFace!.points, alignFace(sourceFace!.points, 64).toCrop), 64));
    let largest = 0;
    for (let i = 0; i < own.length; i++) largest = Math.max(largest, Math.abs(own[i]! - fed[0]![i]!));
    expect(largest).toBeLessThan(0.01);
    // Driven to the widest mouth, the lips in the sketch span more rows.
    const [closed, open] = [lipRows(fed[0]!, 64), lipRows(fed[1]!, 64)];
    console.log(`[pix2pix-face] sketch at reference vs own training sketch: largest difference ${largest.toFixed(4)}; lips span ${closed} rows closed, ${open} at d18 frame ${widest}`);
    expect(open).toBeGreaterThan(closed * 1.3);
  }, 120_000);
});

/** How many rows of a planar RGB sketch hold lip strokes (the lips' colour, 255,0,80, at any coverage). */
function lipRows(planes: Float32Array, size: number): number {
  const area = size * size;
  let [first, last] = [size, -1];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const [r, g, b] = [planes[y * size + x]!, planes[area + y * size + x]!, planes[2 * area + y * size + x]!];
      if (r > 0.3 && g < 0.05 && Math.abs(b / r - 80 / 255) < 0.08) {
        first = Math.min(first, y);
        last = Math.max(last, y);
      }
    }
  }
  return last - first + 1;
}

interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

function landmarkBox(points: Float32Array): Box {
  let [left, top, right, bottom] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < points.length; i += 3) {
    left = Math.min(left, points[i]!);
    right = Math.max(right, points[i]!);
    top = Math.min(top, points[i + 1]!);
    bottom = Math.max(bottom, points[i + 1]!);
  }
  return { left, top, width: right - left, height: bottom - top };
}

/** Frame `index` of a video as RGBA bytes. */
async function videoFrame(path: string, index: number): Promise<{ width: number; height: number; data: Uint8Array }> {
  const { width, height } = await probeFile(path);
  const { stdout } = await exec('ffmpeg', ['-v', 'error', '-i', path, '-vf', `select=eq(n\\,${index})`, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'], {
    encoding: 'buffer',
    maxBuffer: 64 << 20,
  });
  return { width, height, data: new Uint8Array(stdout) };
}

/** Mean absolute RGB difference of two same-size RGBA pictures over `box`. */
function meanDifference(a: { width: number; data: Uint8Array }, b: { width: number; data: Uint8Array }, box: Box): number {
  let sum = 0;
  let count = 0;
  for (let y = Math.round(box.top); y < Math.round(box.top + box.height); y++) {
    for (let x = Math.round(box.left); x < Math.round(box.left + box.width); x++) {
      const at = (y * a.width + x) * 4;
      for (let c = 0; c < 3; c++) sum += Math.abs(a.data[at + c]! - b.data[at + c]!);
      count += 3;
    }
  }
  return sum / count;
}
