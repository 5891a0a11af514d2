import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLocalCatalog } from '../models/store/index.ts';
import { makeTempDir, runCli } from '../support/cli.ts';
import { testPython as python, torchMissing } from '../support/python-torch.ts';

/**
 * `vivify models import pix2pix <checkpoint.pth>` end to end: checkpoints saved here by a copy of the authors'
 * UnetGenerator and UnetSkipConnectionBlock (pytorch-CycleGAN-and-pix2pix, models/networks.py, written out below,
 * independent of Vivify's models/train/pix2pix_networks.py), with random weights; the real import converting them;
 * onnxruntime's output checked here against the authors' network run by PyTorch.
 */

if (torchMissing) console.warn(`[vivify tests] skipping the pix2pix import tests: ${torchMissing}`);

/**
 * Saves, in the folder argv[1]: latest_net_G.pth (unet_128, ngf 8, batch norm and dropout: pix2pix's defaults),
 * instance_net_G.pth (unet_256, ngf 4, instance norm), wrong.pth (the outermost up-convolution renamed), input.f32
 * (a seeded [1,3,128,128] sketch in 0..1) and what the authors' network draws from it, between 0..1 pictures, as
 * their test.py runs it (batch norm with the picture's statistics: picture.f32) and with --eval (running.f32);
 * dropout is off in both, as the export leaves it out.
 */
const authorsCode = `
import functools, sys
import torch
import torch.nn as nn


class UnetGenerator(nn.Module):
    def __init__(self, input_nc, output_nc, num_downs, ngf=64, norm_layer=nn.BatchNorm2d, use_dropout=False):
        super(UnetGenerator, self).__init__()
        unet_block = UnetSkipConnectionBlock(ngf * 8, ngf * 8, input_nc=None, submodule=None, norm_layer=norm_layer, innermost=True)
        for i in range(num_downs - 5):
            unet_block = UnetSkipConnectionBlock(ngf * 8, ngf * 8, input_nc=None, submodule=unet_block, norm_layer=norm_layer, use_dropout=use_dropout)
        unet_block = UnetSkipConnectionBlock(ngf * 4, ngf * 8, input_nc=None, submodule=unet_block, norm_layer=norm_layer)
        unet_block = UnetSkipConnectionBlock(ngf * 2, ngf * 4, input_nc=None, submodule=unet_block, norm_layer=norm_layer)
        unet_block = UnetSkipConnectionBlock(ngf, ngf * 2, input_nc=None, submodule=unet_block, norm_layer=norm_layer)
        self.model = UnetSkipConnectionBlock(output_nc, ngf, input_nc=input_nc, submodule=unet_block, outermost=True, norm_layer=norm_layer)

    def forward(self, input):
        return self.model(input)


class UnetSkipConnectionBlock(nn.Module):
    def __init__(self, outer_nc, inner_nc, input_nc=None, submodule=None, outermost=False, innermost=False, norm_layer=nn.BatchNorm2d, use_dropout=False):
        super(UnetSkipConnectionBlock, self).__init__()
        self.outermost = outermost
        if type(norm_layer) == functools.partial:
            use_bias = norm_layer.func == nn.InstanceNorm2d
        else:
            use_bias = norm_layer == nn.InstanceNorm2d
        if input_nc is None:
            input_nc = outer_nc
        downconv = nn.Conv2d(input_nc, inner_nc, kernel_size=4, stride=2, padding=1, bias=use_bias)
        downrelu = nn.LeakyReLU(0.2, True)
        downnorm = norm_layer(inner_nc)
        uprelu = nn.ReLU(True)
        upnorm = norm_layer(outer_nc)
        if outermost:
            upconv = nn.ConvTranspose2d(inner_nc * 2, outer_nc, kernel_size=4, stride=2, padding=1)
            down = [downconv]
            up = [uprelu, upconv, nn.Tanh()]
            model = down + [submodule] + up
        elif innermost:
            upconv = nn.ConvTranspose2d(inner_nc, outer_nc, kernel_size=4, stride=2, padding=1, bias=use_bias)
            down = [downrelu, downconv]
            up = [uprelu, upconv, upnorm]
            model = down + up
        else:
            upconv = nn.ConvTranspose2d(inner_nc * 2, outer_nc, kernel_size=4, stride=2, padding=1, bias=use_bias)
            down = [downrelu, downconv, downnorm]
            up = [uprelu, upconv, upnorm]
            if use_dropout:
                model = down + [submodule] + up + [nn.Dropout(0.5)]
            else:
                model = down + [submodule] + up
        self.model = nn.Sequential(*model)

    def forward(self, x):
        if self.outermost:
            return self.model(x)
        else:
            return torch.cat([x, self.model(x)], 1)


folder = sys.argv[1]
torch.set_num_threads(2)
torch.manual_seed(19)
batch_norm = functools.partial(nn.BatchNorm2d, affine=True, track_running_stats=True)
net = UnetGenerator(3, 3, 7, ngf=8, norm_layer=batch_norm, use_dropout=True)
for module in net.modules():
    if isinstance(module, nn.BatchNorm2d):
        module.weight.data.uniform_(0.5, 1.5)
        module.bias.data.uniform_(-0.2, 0.2)
        module.running_mean.uniform_(-0.1, 0.1)
        module.running_var.uniform_(0.5, 2.0)
state = net.state_dict()
torch.save(state, f'{folder}/latest_net_G.pth')
torch.save({key.replace('model.model.3.', 'model.model.4.'): value for key, value in state.items()}, f'{folder}/wrong.pth')
instance = UnetGenerator(3, 3, 8, ngf=4, norm_layer=functools.partial(nn.InstanceNorm2d, affine=False, track_running_stats=False))
torch.save(instance.state_dict(), f'{folder}/instance_net_G.pth')

sketch = torch.rand(1, 3, 128, 128, generator=torch.Generator().manual_seed(5))
sketch.numpy().astype('<f4').tofile(f'{folder}/input.f32')
# Running statistics first: a forward pass in train mode updates them.
for name, train in (('running', False), ('picture', True)):
    net.train(train)
    for module in net.modules():
        if isinstance(module, nn.Dropout):
            module.eval()
    with torch.no_grad():
        face = (net(sketch * 2 - 1) + 1) / 2
    face.numpy().astype('<f4').tofile(f'{folder}/{name}.f32')
`;

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
    await writeFile(join(work.path, 'authors.py'), authorsCode);
    execFileSync(python, [join(work.path, 'authors.py'), work.path], { stdio: ['ignore', 'ignore', 'pipe'] });
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
