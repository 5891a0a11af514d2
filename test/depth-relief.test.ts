import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { depthRelief } from '../runtime/face2face/expression-transfer.ts';
import { rigidLandmarks } from '../runtime/face-topology.ts';
import { applyRotation, relativeRotationInImage } from '../runtime/geometry/similarity-3d.ts';
import { hasSharedMedia, makeTempDir, runCli, sharedMedia } from '../support/cli.ts';

/*
 * Face2Face turns a painting on its landmarks' depth stretched by `depthRelief`. The figure is measured, and this
 * measures it again: a real driver who turns his head (d3, turns of up to 20°) has landmarks that move, frame by
 * frame, as his first frame's landmarks turned by MediaPipe's own pose matrices would, best when their depth is
 * stretched by about that much. Were the landmarker or the bundle to change, this says the figure needs measuring anew.
 */
interface Frame {
  points: number[][];
  transform: number[];
}

/** How far (pixels, root mean square over the rigid landmarks and frames) the landmarks are from the reference turned with depth x `relief`. */
function turnMisfit(frames: Frame[], relief: number): number {
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
      for (const c of [0, 1]) error += (scale * (p[c]! - pm[c]!) - (actual[j]![c]! - am[c]!)) ** 2;
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

  it("is about what best explains a real driver's turns (d3)", () => {
    expect(frames.length).toBeGreaterThan(300);
    const reliefs = Array.from({ length: 13 }, (_, i) => 0.9 + i * 0.05);
    const misfits = reliefs.map((relief) => turnMisfit(frames, relief));
    const best = reliefs[misfits.indexOf(Math.min(...misfits))]!;
    console.log(`d3: best depth relief ${best.toFixed(2)} (misfit ${Math.min(...misfits).toFixed(2)} px; at 1: ${misfits[2]!.toFixed(2)} px)`);
    expect(Math.abs(best - depthRelief)).toBeLessThanOrEqual(0.1);
    // And the relief matters: the bare depth explains the turns clearly worse.
    expect(misfits[2]!).toBeGreaterThan(1.03 * Math.min(...misfits));
  });
});
