import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { depthRelief } from '../runtime/face2face/expression-transfer.ts';
import { rigidLandmarks } from '../runtime/face-topology.ts';
import { applyRotation, relativeRotationInImage } from '../runtime/geometry/similarity-3d.ts';
import { hasSharedMedia, makeTempDir, runCli, sharedMedia } from '../support/cli.ts';

/*
 * Face2Face moves a painting side to side as its landmarks' depth stretched by `depthRelief` would move, and up and
 * down as their own depth would. The figures are measured, and this measures them again: a real driver who turns his
 * head (d3, turns of up to 20°) has landmarks that move, frame by frame, as his first frame's landmarks turned by
 * MediaPipe's own pose matrices would, best across the picture when their depth is stretched by about that much, and
 * up and down when it is not. Were the landmarker or the bundle to change, this says the figure needs measuring anew.
 */
interface Frame {
  points: number[][];
  transform: number[];
}

/**
 * How far (pixels, root mean square over the rigid landmarks and frames) the landmarks are from the reference turned
 * with depth x `relief`, along the picture's x (across) or y (up and down).
 */
function turnMisfit(frames: Frame[], relief: number, axis: 0 | 1): number {
  const reference = frames[0]!;
  const points = rigidLandmarks.map((i) => reference.points[i]!);
  const mean = (list: number[][], c: number) => list.reduce((sum, p) => sum + p[c]!, 0) / list.length;
  const centre = [0, 1, 2].map((c) => mean(points, c));
  let error = 0;
  for (const frame of frames) {
    const turn = relativeRotationInImage(Float32Array.from(reference.transform), Float32Array.from(frame.transform));
    const predicted = points.map((p) => applyRotation(turn, [p[0]! - centre[0]!, p[1]! - centre[1]!, (p[2]! - centre[2]!) * relief]));
    const actual = rigidLandmarks.map((i) => frame.points[i]!);
    // Scale and place (the head comes nearer and moves) are fitted; only the shape of the turn is compared.
    const [pm, am] = [predicted, actual].map((list) => [mean(list, 0), mean(list, 1)]) as [number[], number[]];
    let dot = 0;
    let norm = 0;
    predicted.forEach((p, j) => {
      for (const c of [0, 1]) {
        dot += (p[c]! - pm[c]!) * (actual[j]![c]! - am[c]!);
        norm += (p[c]! - pm[c]!) ** 2;
      }
    });
    const scale = dot / norm;
    predicted.forEach((p, j) => {
      error += (scale * (p[axis]! - pm[axis]!) - (actual[j]![axis]! - am[axis]!)) ** 2;
    });
  }
  return Math.sqrt(error / frames.length / points.length);
}

describe.skipIf(!hasSharedMedia)('the depth relief Face2Face turns a painting on', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let frames: Frame[] = [];
  beforeAll(async () => {
    dir = await makeTempDir();
    const json = join(dir.path, 'd3.json');
    const result = await runCli(['landmarks', sharedMedia('driving/d3.mp4'), '--json', json]);
    expect(result.code, result.stderr).toBe(0);
    frames = (JSON.parse(await readFile(json, 'utf8')) as { frames: (Frame | null)[] }).frames.filter((frame): frame is Frame => Boolean(frame?.points));
  }, 120_000);
  afterAll(() => dir?.remove());

  it("is about what best explains a real driver's turns (d3): across the picture, not up and down", () => {
    expect(frames.length).toBeGreaterThan(300);
    const reliefs = Array.from({ length: 15 }, (_, i) => 0.8 + i * 0.05);
    const best = (axis: 0 | 1) => {
      const misfits = reliefs.map((relief) => turnMisfit(frames, relief, axis));
      return { relief: reliefs[misfits.indexOf(Math.min(...misfits))]!, misfit: Math.min(...misfits), atOne: misfits[4]! };
    };
    const across = best(0);
    const upDown = best(1);
    console.log(`d3: best depth relief across ${across.relief.toFixed(2)} (misfit ${across.misfit.toFixed(2)} px; at 1: ${across.atOne.toFixed(2)} px), up and down ${upDown.relief.toFixed(2)}`);
    expect(Math.abs(across.relief - depthRelief)).toBeLessThanOrEqual(0.1);
    // And the relief matters across: the bare depth explains the side-to-side motion clearly worse.
    expect(across.atOne).toBeGreaterThan(1.05 * across.misfit);
    // Up and down the landmarks' own depth is about right: no relief there.
    expect(Math.abs(upDown.relief - 1)).toBeLessThanOrEqual(0.1);
  });
});
