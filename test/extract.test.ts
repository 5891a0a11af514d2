import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meanFaceLandmarks, meanFacePoints } from '../runtime/align/mean-face.ts';
import type { FaceSetDocument } from '../cli/extract-command.ts';
import { hasSharedMedia, makeClip, makeTempDir, runCli, sharedMedia } from '../support/cli.ts';

async function readSet(folder: string): Promise<FaceSetDocument> {
  return JSON.parse(await readFile(join(folder, 'alignments.json'), 'utf8')) as FaceSetDocument;
}

/** The mean over `indices` of each face's crop landmarks. */
function centres(set: FaceSetDocument, indices: number[]): [number, number][] {
  return set.faces.map((face) => {
    const x = indices.reduce((sum, i) => sum + face.landmarks[i]![0], 0) / indices.length;
    const y = indices.reduce((sum, i) => sum + face.landmarks[i]![1], 0) / indices.length;
    return [x, y];
  });
}

/** Standard deviation of x and of y, and the root-mean-square distance from the mean point. */
function spread(points: [number, number][]): { x: number; y: number; radial: number } {
  const mean = [0, 1].map((c) => points.reduce((sum, p) => sum + p[c]!, 0) / points.length);
  const deviation = (c: number) => Math.sqrt(points.reduce((sum, p) => sum + (p[c]! - mean[c]!) ** 2, 0) / points.length);
  return { x: deviation(0), y: deviation(1), radial: Math.hypot(deviation(0), deviation(1)) };
}

const measured: Record<string, number[]> = {
  'right eye (33 133 159 145)': [33, 133, 159, 145],
  'left eye (362 263 386 374)': [362, 263, 386, 374],
  'mouth centre (13 14)': [13, 14],
  'mouth corner 61': [61],
  'mouth corner 291': [291],
};

describe.skipIf(!hasSharedMedia)('vivify extract on the shared videos and pictures', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  const sets: Record<number, FaceSetDocument> = {};
  const videos = [
    { path: sharedMedia('driving/d0.mp4'), frames: 78 },
    { path: sharedMedia('driving/d20.mp4'), frames: 175 },
  ];

  beforeAll(async () => {
    temp = await makeTempDir();
    for (const size of [64, 128]) {
      const started = performance.now();
      const result = await runCli(['extract', ...videos.map((v) => v.path), '--out', join(temp.path, `faces${size}`), '--size', String(size), '--json']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const summary = JSON.parse(result.stdout) as { crops: number; frames: number; skipped: { noFace: number; blurry: number } };
      console.log(`extract d0 + d20 at ${size}: ${summary.crops} crops of ${summary.frames} frames in ${((performance.now() - started) / 1000).toFixed(1)} s`, summary.skipped);
      sets[size] = await readSet(join(temp.path, `faces${size}`));
    }
  }, 240_000);
  afterAll(() => temp?.remove());

  it('writes a crop and a mask for every frame of both videos, each frame once, unless it was too blurred', async () => {
    for (const size of [64, 128]) {
      const set = sets[size]!;
      expect(set).toMatchObject({ format: 'vivify.faces', version: 1, size, alignment: 'vivify-mean-face-v1' });
      expect(set.skipped.noFace).toBe(0);
      expect(set.faces.length + set.skipped.blurry).toBe(78 + 175);
      // Blur is rare in these clips: most frames must be kept.
      expect(set.skipped.blurry).toBeLessThan(10);
      for (const video of videos) {
        const frames = set.faces.filter((face) => face.source === video.path).map((face) => face.frame);
        expect(new Set(frames).size).toBe(frames.length);
        expect(frames.every((frame) => Number.isInteger(frame) && frame >= 0 && frame < video.frames)).toBe(true);
      }
      const folder = join(temp.path, `faces${size}`);
      const files = (await readdir(folder)).filter((name) => name.endsWith('.png')).sort();
      expect(files).toEqual(set.faces.map((face) => face.file).sort());
      expect((await readdir(join(folder, 'masks'))).sort()).toEqual(files);
      expect(set.faces[0]!.file).toBe('d0_000000.png');
      expect(set.faces[0]!.mask).toBe('masks/d0_000000.png');
    }
  });

  it('crops are S x S PNGs, masks S x S greyscale PNGs with the face inside', async () => {
    for (const size of [64, 128]) {
      const folder = join(temp.path, `faces${size}`);
      const set = sets[size]!;
      // Every crop's header, and a few masks' pixels.
      for (const face of set.faces) {
        const meta = await sharp(join(folder, face.file)).metadata();
        expect([meta.format, meta.width, meta.height]).toEqual(['png', size, size]);
      }
      for (const face of set.faces.filter((_, i) => i % 40 === 0)) {
        const meta = await sharp(join(folder, face.mask)).metadata();
        expect([meta.width, meta.height, meta.channels, meta.space]).toEqual([size, size, 1, 'b-w']);
        const { data } = await sharp(join(folder, face.mask)).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
        const [noseX, noseY] = face.landmarks[1]!;
        expect(data[Math.floor(noseY) * size + Math.floor(noseX)]).toBe(255);
        expect(data[0]).toBe(0);
      }
    }
  });

  it('each face has a similarity matrix and 478 landmarks in crop pixels that fit the mean face', () => {
    for (const size of [64, 128]) {
      for (const face of sets[size]!.faces) {
        const [a, b, , d, e] = face.matrix;
        expect(face.matrix).toHaveLength(6);
        expect(a).toBeCloseTo(e!, 5);
        expect(b).toBeCloseTo(-d!, 5);
        expect(face.landmarks).toHaveLength(478);
        // The template landmarks lie near their template places (a least-squares fit: not exactly).
        let residual = 0;
        meanFaceLandmarks.forEach((index, i) => {
          residual += Math.hypot(face.landmarks[index]![0] - meanFacePoints[i * 2]! * size, face.landmarks[index]![1] - meanFacePoints[i * 2 + 1]! * size);
        });
        expect(residual / meanFaceLandmarks.length).toBeLessThan(0.05 * size);
      }
    }
  });

  it('aligns both people alike: eye centres, mouth centre and corners vary by under 2% of the crop', () => {
    for (const size of [64, 128]) {
      const lines: string[] = [];
      for (const [name, indices] of Object.entries(measured)) {
        const s = spread(centres(sets[size]!, indices));
        const percent = (value: number) => `${((value / size) * 100).toFixed(2)}%`;
        lines.push(`  ${name.padEnd(27)} sd x ${percent(s.x)}, y ${percent(s.y)}; rms distance ${percent(s.radial)}`);
        expect(s.x / size).toBeLessThan(0.02);
        expect(s.y / size).toBeLessThan(0.02);
      }
      console.log(`aligned landmark spread over ${sets[size]!.faces.length} crops of d0 and d20 at ${size}x${size}:\n${lines.join('\n')}`);
    }
  });

  it('takes pictures, and folders of pictures one level deep, skipping a blurred copy', async () => {
    const folder = join(temp.path, 'pictures');
    await mkdir(join(folder, 'sub', 'deeper'), { recursive: true });
    await symlink(sharedMedia('source/s0.jpg'), join(folder, 's0.jpg'));
    await symlink(sharedMedia('source/s5.jpg'), join(folder, 'sub', 's5.jpg'));
    await symlink(sharedMedia('source/s9.jpg'), join(folder, 'sub', 'deeper', 's9.jpg'));
    await sharp(sharedMedia('source/s5.jpg')).blur(6).toFile(join(folder, 'sub', 'soft.jpg'));
    await writeFile(join(folder, 'notes.txt'), 'not a picture');
    const out = join(temp.path, 'picture-faces');
    const result = await runCli(['extract', folder, sharedMedia('source/s10.jpg'), '--out', out, '--size', '64']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Wrote 3 face crops \(64x64\) and their masks to .* skipped 0 frames with no face and 1 blurry frame\.\n$/);
    const set = await readSet(out);
    expect(set.faces.map((face) => [face.file, face.frame])).toEqual([
      ['s0_000000.png', 0],
      ['s5_000000.png', 0],
      ['s10_000000.png', 0],
    ]);
    expect(set.faces[1]!.source).toBe(join(folder, 'sub', 's5.jpg'));
    expect(set.skipped).toEqual({ noFace: 0, blurry: 1 });
  }, 60_000);
});

describe('vivify extract: what it refuses', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeAll(async () => {
    temp = await makeTempDir();
  });
  afterAll(() => temp?.remove());

  it('names a missing input in one sentence, exit 2', async () => {
    const result = await runCli(['extract', join(temp.path, 'nowhere.mp4'), '--out', join(temp.path, 'out')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`vivify: ${join(temp.path, 'nowhere.mp4')}: no such file\n`);
  });

  it('keeps an existing face set unless --force, and replaces it with --force', async () => {
    const clip = await makeClip(join(temp.path, 'pattern.mp4'), { frames: 6, audio: false });
    const out = join(temp.path, 'set');
    await mkdir(out);
    await writeFile(
      join(out, 'alignments.json'),
      JSON.stringify({
        format: 'vivify.faces',
        version: 1,
        faces: [
          { file: 'old_000000.png', mask: 'masks/old_000000.png' },
          // A hand-edited set must not reach outside its folder.
          { file: '../outside.png', mask: 'masks/../../outside.png' },
        ],
      }),
    );
    await writeFile(join(out, 'old_000000.png'), 'stale');
    await writeFile(join(temp.path, 'outside.png'), 'keep');

    const refused = await runCli(['extract', clip, '--out', out]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^vivify: .*set already holds extracted faces \(alignments\.json\); pass --force to replace them\n$/);

    // A test pattern has no face: every frame is skipped, and the old set's crops are gone.
    const forced = await runCli(['extract', clip, '--out', out, '--force', '--json']);
    expect(forced.stderr).toBe('');
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({ crops: 0, frames: 6, skipped: { noFace: 6, blurry: 0 } });
    // The video is tracked on the executor, whose warnings name the video and the frames (in the summary, with --json).
    expect(JSON.parse(forced.stdout).warnings).toEqual([expect.stringMatching(/pattern\.mp4: no face in frames 0-5$/)]);
    expect((await readdir(out)).sort()).toEqual(['alignments.json', 'masks']);
    expect(await readSet(out)).toEqual({ format: 'vivify.faces', version: 1, size: 256, alignment: 'vivify-mean-face-v1', faces: [], skipped: { noFace: 6, blurry: 0 } });
    expect(await readFile(join(temp.path, 'outside.png'), 'utf8')).toBe('keep');
  }, 60_000);
});
