import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCpuModel } from '../models/cpu-model-session.ts';
import { drivenKeypoints, type FirstFace, modules, type Sessions, type SourceFace, sourceFace } from '../nodes/reenact.ts';
import type { RgbaImage } from '../runtime/image.ts';
import { writePngFile } from '../runtime/node/image-file.ts';
import { createNodeHost } from '../runtime/node/node-host.ts';
import { cropTensor, faceCrop } from '../runtime/reenact/face-crop.ts';
import { motionInfo } from '../runtime/reenact/kinematics.ts';
import { pasteBack } from '../runtime/reenact/paste-back.ts';
import { eyeRatios, lipRatio } from '../runtime/reenact/retarget-ratios.ts';
import { hasSharedMedia, makeTempDir, repoRoot, sharedMedia } from '../support/cli.ts';
import { testPython } from '../support/python-torch.ts';
import { liveportraitReal, maskTemplate, realSeed, realUnavailable, referenceScript, upstream } from '../support/liveportrait-real.ts';

const exec = promisify(execFile);
/** Contact sheets: Vivify's generated crop (left) beside upstream's warp_decode (right). */
const sheets = join(repoRoot, 'test', 'output', 'reenact-parity');
/** d3: neutral first frame, left wink, right wink, wide eyes, the open "O". */
const driverFrames = [0, 10, 40, 170, 310];

type Options = Parameters<typeof drivenKeypoints>[5];
const base: Options = { motion: 'relative', friendly: 'expression', expression: 1, headPose: 1, stitching: true, eyeRetargeting: 0, lipRetargeting: 0, multiplier: 1 };
/** Every option of the node that LivePortrait has, each against the reference; `images` are positions in driverFrames. */
const cases: { name: string; options: Options; images: number[] }[] = [
  { name: 'default', options: base, images: [4] },
  { name: 'absolute', options: { ...base, motion: 'absolute' }, images: [2] },
  { name: 'pose-friendly', options: { ...base, friendly: 'pose' }, images: [1] },
  { name: 'no-stitching', options: { ...base, stitching: false }, images: [3] },
  { name: 'multiplier', options: { ...base, multiplier: 1.5 }, images: [3] },
  { name: 'eyes', options: { ...base, eyeRetargeting: 1 }, images: [] },
  { name: 'lips', options: { ...base, lipRetargeting: 1 }, images: [] },
  { name: 'absolute-retargeting', options: { ...base, motion: 'absolute', eyeRetargeting: 1, lipRetargeting: 1 }, images: [4] },
];

// Needs ../shared (the painting, d3 and the upstream snapshot) and PyTorch with the upstream's Python packages.
describe.skipIf(!hasSharedMedia || realUnavailable !== undefined)('reenact against LivePortrait on the real architecture', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let sessions: Sessions;
  let painting: RgbaImage;
  let own: SourceFace;
  const drivers: { crop: Float32Array; eyes: number; lip: number }[] = [];
  let reference: { x_s: number[]; cases: Record<string, { x_d: number[][] }> };

  beforeAll(async () => {
    dir = await makeTempDir();
    mkdirSync(sheets, { recursive: true });
    const folder = liveportraitReal();
    const opened: Partial<Sessions> = {};
    for (const [key, file] of Object.entries(modules) as [keyof Sessions, string][]) opened[key] = await openCpuModel(join(folder, file), file);
    sessions = opened as Sessions;

    // The MediaPipe crops (Vivify's on purpose: LivePortrait's InsightFace crop is not used) are made once and fed
    // to both sides.
    const host = createNodeHost();
    const detector = await host.createFaceDetector({ mode: 'image', maxFaces: 1, minConfidence: 0.5 });
    try {
      painting = await host.readImage(sharedMedia('source/s9.jpg'));
      const [face] = await detector.detect(painting, 0);
      if (!face) throw new Error('no face in s9');
      const crop = faceCrop(face.points, { scale: 2.3, offsetX: 0, offsetY: -0.125, rotate: true });
      own = await sourceFace(sessions, cropTensor(painting, crop, 256), crop, eyeRatios(face.points), lipRatio(face.points));
      writeFileSync(join(dir.path, 'source.f32'), cropTensor(painting, crop, 256));
      for (const frame of driverFrames) {
        const png = join(dir.path, `d3-${frame}.png`);
        await exec('ffmpeg', ['-v', 'error', '-i', sharedMedia('driving/d3.mp4'), '-vf', `select=eq(n\\,${frame})`, '-vsync', '0', '-frames:v', '1', png]);
        const image = await host.readImage(png);
        const [driving] = await detector.detect(image, 0);
        if (!driving) throw new Error(`no face in d3 frame ${frame}`);
        const tensor = cropTensor(image, faceCrop(driving.points, { scale: 2.2, offsetX: 0, offsetY: -0.1, rotate: false }), 256);
        writeFileSync(join(dir.path, `d3-${frame}.f32`), tensor);
        const [left, right] = eyeRatios(driving.points);
        drivers.push({ crop: tensor, eyes: (left + right) / 2, lip: lipRatio(driving.points) });
      }
    } finally {
      detector.close();
    }

    const rgb = new Uint8Array(painting.width * painting.height * 3);
    for (let i = 0; i < painting.width * painting.height; i++) rgb.set(painting.data.subarray(i * 4, i * 4 + 3), i * 3);
    writeFileSync(join(dir.path, 'painting.rgb'), rgb);
    // Vivify's paste mask depends on the crop only.
    writeFileSync(join(dir.path, 'own-mask.u8'), pasteBack(painting, new Float32Array(3 * 512 * 512), 512, own.crop.toCrop, own.crop.toImage).mask.data);
    const request = {
      seed: realSeed,
      source: join(dir.path, 'source.f32'),
      drivers: driverFrames.map((frame) => join(dir.path, `d3-${frame}.f32`)),
      sourceEyes: own.eyes,
      sourceLip: own.lip,
      drivingEyes: drivers.map((d) => d.eyes),
      drivingLip: drivers.map((d) => d.lip),
      cases: cases.map(({ name, options, images }) => ({
        name,
        relative: options.motion === 'relative',
        friendly: options.friendly === 'expression',
        stitching: options.stitching,
        eye: options.eyeRetargeting > 0,
        lip: options.lipRetargeting > 0,
        multiplier: options.multiplier,
        images,
      })),
      pasteBack: { image: join(dir.path, 'painting.rgb'), width: painting.width, height: painting.height, M_c2o: cropToImage512(own), mask: maskTemplate, ownMask: join(dir.path, 'own-mask.u8') },
    };
    writeFileSync(join(dir.path, 'request.json'), JSON.stringify(request));
    await exec(testPython, [referenceScript, upstream, join(dir.path, 'request.json'), dir.path], { timeout: 600_000 });
    reference = JSON.parse(readFileSync(join(dir.path, 'result.json'), 'utf8'));
  }, 900_000);
  afterAll(async () => {
    await Promise.all(Object.values(sessions ?? {}).map((session) => session.release()));
    await dir?.remove();
  });

  it("poses the painting's keypoints as get_kp_info + transform_keypoint do", () => {
    expect(maxDifference(own.keypoints, reference.x_s)).toBeLessThan(1e-4);
  });

  for (const { name, options, images } of cases) {
    it(`drives the keypoints and draws the frames as LivePortrait does: ${name}`, async () => {
      const first: { face?: FirstFace } = {};
      for (const [index, driver] of drivers.entries()) {
        const motion = motionInfo(await sessions.motion.run({ img: { data: driver.crop, dims: [1, 3, 256, 256] } }));
        first.face ??= { motion, multiplier: 1 };
        const driven = await drivenKeypoints(sessions, own, motion, first.face, driver, options);
        expect(maxDifference(driven, reference.cases[name]!.x_d[index]!), `d3 frame ${driverFrames[index]}`).toBeLessThan(1e-4);
        if (!images.includes(index)) continue;
        const outputs = await sessions.warp.run({
          feature_3d: own.features,
          kp_driving: { data: driven, dims: [1, 21, 3] },
          kp_source: { data: own.keypoints, dims: [1, 21, 3] },
        });
        const generated = outputs.out!.data;
        const expected = new Float32Array(readFileSync(join(dir.path, `${name}-${index}.f32`)).buffer.slice(0));
        expect(psnr(generated, expected, 1)).toBeGreaterThanOrEqual(40);
        const pasted = pasteBack(painting, generated, 512, own.crop.toCrop, own.crop.toImage).frame;
        const rgb = new Uint8Array(painting.width * painting.height * 3);
        for (let i = 0; i < rgb.length / 3; i++) rgb.set(pasted.data.subarray(i * 4, i * 4 + 3), i * 3);
        // The paste itself (warp of the crop into the painting, blend) through the same mask; Vivify's mask is its own
        // feathered square, not LivePortrait's mask_template.png, so through the template the two differ in the band.
        const sameMask = psnr(rgb, readFileSync(join(dir.path, `${name}-${index}.own-mask.rgb`)), 255);
        const template = psnr(rgb, readFileSync(join(dir.path, `${name}-${index}.rgb`)), 255);
        console.log(`[parity] ${name}, d3 frame ${driverFrames[index]}: crop ${psnr(generated, expected, 1).toFixed(1)} dB, pasted ${sameMask.toFixed(1)} dB (${template.toFixed(1)} dB against the template's mask)`);
        expect(sameMask).toBeGreaterThanOrEqual(40);
        await writePngFile(join(sheets, `${name}-d3-${driverFrames[index]}.png`), sideBySide(generated, expected), true);
      }
    }, 300_000);
  }
});

/** Two planar RGB 512x512 crops (0..1) side by side. */
function sideBySide(left: Float32Array, right: Float32Array): RgbaImage {
  const size = 512;
  const data = new Uint8Array(2 * size * size * 4);
  for (const [offset, plane] of [[0, left], [size, right]] as const) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const at = (y * 2 * size + x + offset) * 4;
        for (let c = 0; c < 3; c++) data[at + c] = Math.round(Math.min(1, Math.max(0, plane[c * size * size + y * size + x]!)) * 255);
        data[at + 3] = 255;
      }
    }
  }
  return { width: 2 * size, height: size, data };
}

/** cv2's M_c2o for the 512x512 output: crop pixels (centres at integers) to painting pixels (centres at integers). */
function cropToImage512(face: SourceFace): number[][] {
  const [a, b, c, d, e, f] = face.crop.toImage;
  const half = 0.5 / 512;
  return [
    [a / 512, b / 512, a * half + b * half + c - 0.5],
    [d / 512, e / 512, d * half + e * half + f - 0.5],
  ];
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

function psnr(a: ArrayLike<number>, b: ArrayLike<number>, peak: number): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const clip = (v: number) => Math.min(peak, Math.max(0, v));
    sum += (clip(a[i]!) - clip(b[i]!)) ** 2;
  }
  const mse = sum / a.length;
  return mse === 0 ? Infinity : 10 * Math.log10((peak * peak) / mse);
}
