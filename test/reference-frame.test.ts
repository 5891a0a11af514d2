import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faceMotion } from '../runtime/eval/face-motion.ts';
import type { FaceLandmarks } from '../runtime/face.ts';
import { ReferencePicker } from '../runtime/face2face/reference-face.ts';
import { hasSharedMedia, makeTempDir, probeFile, psnr, runCli, sharedMedia } from '../support/cli.ts';
import { videoLandmarks } from './support/landmarks.ts';

const exec = promisify(execFile);
const preset = 'presets/animate-painting.json';

function pickFrom(faces: (FaceLandmarks | undefined)[], picker: ReferencePicker) {
  for (const [index, face] of faces.entries()) if (picker.see(index, face) === 'enough') break;
  return picker.pick();
}

// Needs ../shared/media: the driving videos and a painting.
describe.skipIf(!hasSharedMedia)("face2face's reference frame", () => {
  let dir: { path: string; remove: () => Promise<void> };
  beforeAll(async () => {
    dir = await makeTempDir();
  });
  afterAll(() => dir?.remove());

  it.each(['d0', 'd18', 'd20'])('"neutral" picks a frame of %s with the mouth closed and the eyes open as usual', async (name) => {
    const { faces } = await videoLandmarks(sharedMedia(`driving/${name}.mp4`));
    const picked = pickFrom(faces, new ReferencePicker('neutral'));
    const motion = faceMotion(picked!.face);
    const eyes = faces.map((face) => faceMotion(face!).eyeOpening).sort((a, b) => a - b);
    expect(motion.mouthOpening).toBeLessThan(0.02);
    expect(Math.abs(motion.eyeOpening - eyes[eyes.length >> 1]!)).toBeLessThan(0.03);
  });

  it('"frame" takes the chosen frame, or the next face where that frame has none, and stops looking there', async () => {
    const { faces } = await videoLandmarks(sharedMedia('driving/d20.mp4'));
    expect(pickFrom(faces, new ReferencePicker('frame', 30))).toEqual({ index: 30, face: faces[30] });
    const gapped = faces.map((face, index) => (index >= 30 && index < 34 ? undefined : face));
    const picker = new ReferencePicker('frame', 30);
    let seen = 0;
    for (const [index, face] of gapped.entries()) {
      seen++;
      if (picker.see(index, face) === 'enough') break;
    }
    expect(picker.pick()?.index).toBe(34);
    expect(seen).toBe(35);
  });

  it('with the reference at frame 40, output frame 40 is the painting itself', async () => {
    const out = join(dir.path, 'ref40.mp4');
    const result = await runCli([
      'render', preset, '--source', sharedMedia('source/s5.jpg'), '--driving', sharedMedia('driving/d0.mp4'), '-o', out,
      '--set', 'f2f.reference=frame', '--set', 'f2f.referenceFrame=40', '--set', 'out.preset=ultrafast', '--json',
    ]);
    expect(result.code).toBe(0);
    const passes = result.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { type: string; pass?: string; frame?: number });
    // The scan stops at the chosen frame; the render covers them all.
    expect(passes.filter((e) => e.pass === 'scan').at(-1)?.frame).toBe(41);
    expect(passes.filter((e) => e.pass === 'render').at(-1)?.frame).toBe(78);
    const frame = async (n: number) => {
      const png = join(dir.path, `ref40-${n}.png`);
      await exec('ffmpeg', ['-v', 'error', '-i', out, '-vf', `select=eq(n\\,${n})`, '-frames:v', '1', png]);
      return psnr(png, sharedMedia('source/s5.jpg'));
    };
    const atReference = await frame(40);
    expect(atReference).toBeGreaterThanOrEqual(35);
    // Frame 0's expression differs from frame 40's, so the painting moves there.
    expect(await frame(0)).toBeLessThan(atReference - 3);
  });

  it('"neutral" scans the driver first and renders every frame', async () => {
    const out = join(dir.path, 'neutral.mp4');
    const result = await runCli([
      'render', preset, '--source', sharedMedia('source/s9.jpg'), '--driving', sharedMedia('driving/d18.mp4'), '-o', out,
      '--frames', '0:90', '--set', 'f2f.reference=neutral', '--set', 'out.preset=ultrafast',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(await probeFile(out)).toMatchObject({ videoFrames: 90, audio: true });
  });

  it('a reference frame past the end is refused before rendering', async () => {
    const result = await runCli([
      'render', preset, '--source', sharedMedia('source/s5.jpg'), '--driving', sharedMedia('driving/d0.mp4'), '-o', join(dir.path, 'past.mp4'),
      '--set', 'f2f.reference=frame', '--set', 'f2f.referenceFrame=500',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('vivify: node "f2f": referenceFrame 500 is past the last frame rendered (77)\n');
  });
});
