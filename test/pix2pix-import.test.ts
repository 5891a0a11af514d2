import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLocalCatalog } from '../models/store/index.ts';
import { makeTempDir, runCli } from '../support/cli.ts';
import { torchMissing } from '../support/python-torch.ts';
import { saveAuthorsCheckpoints } from './support/pix2pix-authors.ts';

/**
 * `vivify models import pix2pix <checkpoint.pth>` end to end: checkpoints saved here by a copy of the authors'
 * UnetGenerator and UnetSkipConnectionBlock (pytorch-CycleGAN-and-pix2pix, models/networks.py, in support/pix2pix-authors.ts,
 * independent of Vivify's models/train/pix2pix_networks.py), with random weights; the real import converting them;
 * onnxruntime's output checked here against the authors' network run by PyTorch.
 */

if (torchMissing) console.warn(`[vivify tests] skipping the pix2pix import tests: ${torchMissing}`);


const floats = async (path: string) => {
  const bytes = await readFile(path);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
};

describe.skipIf(torchMissing !== undefined)('vivify models import pix2pix', () => {
  let work: Awaited<ReturnType<typeof makeTempDir>>;
  let store: string;

  beforeAll(async () => {
    work = await makeTempDir();
    store = join(work.path, 'store');
    saveAuthorsCheckpoints(work.path);
  }, 120_000);

  afterAll(async () => {
    await work?.remove();
  });

  /** The largest difference between what the imported model draws from input.f32 and what the authors' network drew. */
  async function differenceFromAuthors(id: string, expected: string): Promise<number> {
    const session = await ort.InferenceSession.create(join(store, id, 'pix2pix.onnx'), { executionProviders: ['cpu'] });
    try {
      expect(session.inputNames).toEqual(['sketch']);
      expect(session.outputNames).toEqual(['face']);
      const outputs = await session.run({ sketch: new ort.Tensor('float32', await floats(join(work.path, 'input.f32')), [1, 3, 128, 128]) });
      expect(outputs.face!.dims).toEqual([1, 3, 128, 128]);
      const actual = outputs.face!.data as Float32Array;
      const reference = await floats(join(work.path, expected));
      return actual.reduce((max, value, i) => Math.max(max, Math.abs(value - reference[i]!)), 0);
    } finally {
      await session.release();
    }
  }

  it("converts the authors' unet_128 (batch norm as their test.py runs it): onnxruntime matches their network within 1e-4", async () => {
    const result = await runCli(['models', 'import', 'pix2pix', join(work.path, 'latest_net_G.pth'), '--models-dir', store]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^pix2pix\.onnx: converted a pix2pix U-Net generator \(unet_128, ngf 8, batch norm, /);
    expect(result.stdout).toContain('"pix2pix-latest_net_g" is installed in');
    expect(await differenceFromAuthors('pix2pix-latest_net_g', 'picture.f32')).toBeLessThanOrEqual(1e-4);
    const metadata = JSON.parse(await readFile(join(store, 'pix2pix-latest_net_g', 'pix2pix.json'), 'utf8')) as Record<string, unknown>;
    expect(metadata).toMatchObject({ format: 'vivify.pix2pix', version: 1, size: 128, downs: 7, ngf: 8, norm: 'batch', norm_statistics: 'picture' });
    const entry = readLocalCatalog(store)?.models.find((model) => model.id === 'pix2pix-latest_net_g');
    expect(entry?.task).toBe('pix2pix');
    expect(entry?.files.map((file) => file.name)).toEqual(['pix2pix.onnx', 'pix2pix.json']);
  }, 120_000);

  it('with --norm-statistics running, matches their --eval', async () => {
    const result = await runCli(['models', 'import', 'pix2pix', join(work.path, 'latest_net_G.pth'), '--name', 'pix2pix-eval', '--norm-statistics', 'running', '--models-dir', store]);
    expect(result.code, result.stderr).toBe(0);
    expect(await differenceFromAuthors('pix2pix-eval', 'running.f32')).toBeLessThanOrEqual(1e-4);
    // The two ways differ: the test above is not passing by accident.
    expect(await differenceFromAuthors('pix2pix-eval', 'picture.f32')).toBeGreaterThan(1e-2);
  }, 120_000);

  it("converts an instance-norm unet_256 to a 256 px model", async () => {
    const result = await runCli(['models', 'import', 'pix2pix', join(work.path, 'instance_net_G.pth'), '--name', 'pix2pix-instance', '--models-dir', store]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('unet_256, ngf 4, instance norm');
    const session = await ort.InferenceSession.create(join(store, 'pix2pix-instance', 'pix2pix.onnx'), { executionProviders: ['cpu'] });
    const outputs = await session.run({ sketch: new ort.Tensor('float32', new Float32Array(3 * 256 * 256).fill(0.5), [1, 3, 256, 256]) });
    expect(outputs.face!.dims).toEqual([1, 3, 256, 256]);
    await session.release();
  }, 120_000);

  it('refuses a checkpoint of another layout in one line naming its keys, and a missing file; exit 2', async () => {
    const wrong = await runCli(['models', 'import', 'pix2pix', join(work.path, 'wrong.pth'), '--models-dir', store]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr.trim().split('\n')).toHaveLength(1);
    expect(wrong.stderr).toMatch(/is not a pix2pix U-Net generator with the authors' key layout \(unet_128, ngf 8, batch norm\): 2 keys missing \(model\.model\.3\.bias, model\.model\.3\.weight\) and 2 keys not expected \(model\.model\.4\.bias, model\.model\.4\.weight\)\n$/);
    const missing = await runCli(['models', 'import', 'pix2pix', join(work.path, 'absent.pth'), '--models-dir', store]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`vivify: ${join(work.path, 'absent.pth')}: no such file\n`);
    expect(existsSync(join(store, 'pix2pix-wrong'))).toBe(false);
  }, 120_000);
});
