import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { irisDepthFrom } from '../models/face-landmarker/landmark-refinement.ts';
import type { FaceLandmarks } from '../runtime/face.ts';
import { createNodeHost } from '../runtime/node/node-host.ts';
import { hasSharedMedia, makeClip, makeTempDir, probeFile, runCli, sharedMedia } from '../support/cli.ts';
import { point, videoLandmarks } from './support/landmarks.ts';

// Landmark indices in MediaPipe's 478-point topology.
const noseTip = 1;
const noseBridge = 168;
const upperInnerLip = 13;
const lowerInnerLip = 14;
const irisCentres = [468, 473];
// Each eye's contour in order around it (lower lid outer to inner corner, then upper lid back).
const eyeContours = [irisDepthFrom.leftIris, irisDepthFrom.rightIris].map((c) => [...c.slice(0, 9), ...c.slice(9).reverse()]);

function inside(polygon: { x: number; y: number }[], p: { x: number; y: number }): boolean {
  let within = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const a = polygon[i]!;
    const b = polygon[j]!;
    if (a.y > p.y !== b.y > p.y && p.x < ((b.x - a.x) * (p.y - a.y)) / (b.y - a.y) + a.x) within = !within;
  }
  return within;
}

describe.skipIf(!hasSharedMedia)('landmarks on the shared paintings and videos', () => {
  it.each(['s9', 's10', 's0', 's5', 's7', 's6'])('%s.jpg: 478 landmarks in a plausible face', async (name) => {
    const host = createNodeHost();
    const image = await host.readImage(sharedMedia(`source/${name}.jpg`));
    const detector = await host.createFaceDetector({ mode: 'image', maxFaces: 1, minConfidence: 0.5 });
    const [face] = await detector.detect(image, 0);
    detector.close();
    expect(face?.points.length).toBe(478 * 3);
    const all = Array.from({ length: 478 }, (_, i) => point({ points: face!.points } as FaceLandmarks, i));
    for (const p of all) {
      expect(p.x).toBeGreaterThanOrEqual(0);
      expect(p.x).toBeLessThanOrEqual(image.width);
      expect(p.y).toBeGreaterThanOrEqual(0);
      expect(p.y).toBeLessThanOrEqual(image.height);
    }
    const nose = all[noseTip]!;
    const mouthY = (all[upperInnerLip]!.y + all[lowerInnerLip]!.y) / 2;
    eyeContours.forEach((contour, eye) => {
      const polygon = contour.map((index) => all[index]!);
      const eyeY = polygon.reduce((sum, p) => sum + p.y, 0) / polygon.length;
      expect(eyeY).toBeLessThan(nose.y);
      expect(inside(polygon, all[irisCentres[eye]!]!)).toBe(true);
    });
    expect(nose.y).toBeLessThan(mouthY);
  });

  it.each(['d0', 'd18', 'd20', 'd13'])('%s.mp4: a face in every frame', async (name) => {
    const { faces, warnings } = await videoLandmarks(sharedMedia(`driving/${name}.mp4`));
    const frames = (await probeFile(sharedMedia(`driving/${name}.mp4`))).videoFrames;
    expect(faces).toHaveLength(frames);
    expect(faces.filter((face) => face?.found)).toHaveLength(frames);
    expect(warnings).toEqual([]);
  });

  it('smoothing removes jitter where the head is still, without delaying the big mouth opening of d18', async () => {
    const raw = (await videoLandmarks(sharedMedia('driving/d18.mp4'), { smoothing: false })).faces as FaceLandmarks[];
    const smooth = (await videoLandmarks(sharedMedia('driving/d18.mp4'))).faces as FaceLandmarks[];
    // Still: the neutral start and end of the clip (the mouth opens twice in between).
    const still = [...range(1, 56), ...range(166, 216)];
    const jitter = (faces: FaceLandmarks[]) =>
      still.reduce((sum, i) => sum + Math.hypot(point(faces[i]!, noseBridge).x - point(faces[i - 1]!, noseBridge).x, point(faces[i]!, noseBridge).y - point(faces[i - 1]!, noseBridge).y), 0) / still.length;
    // Measured with the default parameters: about 0.72 of the raw motion (the rest is the head's own slow drift).
    expect(jitter(smooth)).toBeLessThan(0.8 * jitter(raw));

    const opening = (faces: FaceLandmarks[]) => faces.map((face) => point(face, lowerInnerLip).y - point(face, upperInnerLip).y);
    const rawOpening = opening(raw);
    const half = Math.max(...rawOpening) / 2;
    const crossings = (values: number[]) => values.flatMap((value, i) => (i > 0 && values[i - 1]! <= half !== value <= half ? [i] : []));
    const rawCrossings = crossings(rawOpening);
    const smoothCrossings = crossings(opening(smooth));
    expect(rawCrossings.length).toBeGreaterThanOrEqual(2);
    expect(smoothCrossings).toHaveLength(rawCrossings.length);
    smoothCrossings.forEach((frame, i) => expect(Math.abs(frame - rawCrossings[i]!)).toBeLessThanOrEqual(2));
  });
});

describe('faces that are not there', () => {
  let dir: { path: string; remove: () => Promise<void> };
  beforeAll(async () => {
    dir = await makeTempDir();
  });
  afterAll(() => dir.remove());

  it('a picture with no face gives a clear message, not a crash', async () => {
    const flat = join(dir.path, 'flat.png');
    await writeFile(flat, await sharp({ create: { width: 320, height: 240, channels: 3, background: '#6a8caf' } }).png().toBuffer());
    const result = await runCli(['landmarks', flat, '--json', join(dir.path, 'flat.json')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`vivify: ${flat}: no face found in the 320x240 picture (a face needs to be clearly visible and not too small)\n`);
    expect(result.stdout).toBe('');
  });

  it('a video without faces still runs, warning with the frame ranges', async () => {
    const clip = await makeClip(join(dir.path, 'pattern.mp4'), { frames: 20 });
    const result = await runCli(['landmarks', clip, '--json', join(dir.path, 'pattern.json')]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^warning: node "face": no face in frames 0-19: /);
    expect(result.stdout).toMatch(/pattern\.mp4: a face in 0 of 20 frames; wrote .*pattern\.json\n$/);
  });

  it.skipIf(!hasSharedMedia)('a gap in a real video is held, reported by range, and the render completes', async () => {
    // Frames 40 to 59 of d20 blacked out.
    const gapped = join(dir.path, 'gapped.mp4');
    const { execFile } = await import('node:child_process');
    await new Promise<void>((resolve, reject) =>
      execFile('ffmpeg', ['-v', 'error', '-i', sharedMedia('driving/d20.mp4'), '-vf', "drawbox=enable='between(n,40,59)':color=black:t=fill", '-c:a', 'copy', gapped], (error) =>
        error ? reject(error) : resolve(),
      ),
    );
    const { faces, warnings } = await videoLandmarks(gapped);
    expect(warnings).toEqual([{ nodeId: 'face', message: 'no face in frames 40-59: the last face found was held there' }]);
    expect(faces[50]?.found).toBe(false);
    expect(Array.from(faces[50]!.points)).toEqual(Array.from(faces[39]!.points));
    const overlay = join(dir.path, 'gapped-overlay.mp4');
    const json = join(dir.path, 'gapped.json');
    const result = await runCli(['landmarks', gapped, '--overlay', overlay, '--json', json]);
    expect(result.code).toBe(0);
    expect(await probeFile(overlay)).toMatchObject({ videoFrames: 175, audio: true });
    // With the whole video known, the JSON interpolates across the gap instead of holding.
    const { frames } = JSON.parse(await readFile(json, 'utf8')) as { frames: { found: boolean; filled?: string; points: number[][] }[] };
    expect(frames[50]).toMatchObject({ found: false, filled: 'interpolated' });
    const [before, middle, after] = [frames[39]!, frames[50]!, frames[60]!].map((f) => f.points[noseTip]![0]!);
    expect(middle).toBeCloseTo(before! + ((after! - before!) * 11) / 21, 1);
  });

  it('refuses an overlay of the wrong kind before doing any work', async () => {
    const result = await runCli(['landmarks', 'face.jpg', '--overlay', join(dir.path, 'face.mp4')]);
    expect(result).toMatchObject({ code: 2, stderr: expect.stringMatching(/--overlay .*face\.mp4: for a picture the overlay is a \.png file\n$/) });
  });
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}
