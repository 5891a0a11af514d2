import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtInCatalog } from '../models/catalog.ts';
import { makeTempDir, repoRoot, runCli, type CliResult } from '../support/cli.ts';
import { testPython as python, torchMissing } from '../support/python-torch.ts';

/**
 * CycleGAN generators into the model store, end to end: checkpoints with the authors' key layout and random weights,
 * saved here by PyTorch with models/train/cyclegan_networks.py; the real `vivify models import cyclegan` and
 * `vivify models pull` (against a local HTTP server) converting them; onnxruntime's output checked here against
 * PyTorch's own.
 */

if (torchMissing) console.warn(`[vivify tests] skipping the CycleGAN conversion tests: ${torchMissing}`);

const publishedIds = ['cyclegan-monet', 'cyclegan-vangogh', 'cyclegan-cezanne', 'cyclegan-ukiyoe'];

describe('the catalog', () => {
  it('lists the four published CycleGAN styles, each converted from the authors’ checkpoint on pull', () => {
    const entries = publishedIds.map((id) => builtInCatalog.models.find((model) => model.id === id));
    for (const [i, entry] of entries.entries()) {
      expect(entry, publishedIds[i]).toBeDefined();
      expect(entry!.task).toBe('style');
      expect(entry!.convert).toBe('cyclegan-resnet');
      expect(entry!.licence).toMatch(/BSD/);
      expect(entry!.licence).toMatch(/Jun-Yan Zhu/);
      expect(entry!.files).toHaveLength(1);
      const file = entry!.files[0]!;
      expect(file.name).toBe('generator.onnx');
      expect(file.url).toBe(`https://efrosgans.eecs.berkeley.edu/cyclegan/pretrained_models/style_${publishedIds[i]!.slice('cyclegan-'.length)}.pth`);
      expect(file.signature).toEqual({
        inputs: [{ name: 'image', type: 'float32', shape: [1, 3, 'height', 'width'] }],
        outputs: [{ name: 'styled', type: 'float32', shape: [1, 3, 'height', 'width'] }],
      });
    }
  });
});

/**
 * Saves, in `folder`: style_test.pth (a 9-block generator's state dict, authors' init), legacy.pth (the same weights
 * as old checkpoints hold them: PyTorch's legacy format, nn.DataParallel's `module.` prefix, instance norms' running
 * statistics), wrong.pth (the head renamed from model.26 to model.27) and reference.json (the generator between 0..1
 * pictures, run by PyTorch on seeded inputs of two sizes).
 */
const makeCheckpoints = `
import base64, collections, json, sys
import torch
sys.path.insert(0, sys.argv[1])
from cyclegan_networks import ResnetGenerator, init_weights, norm_indices

folder = sys.argv[2]
torch.set_num_threads(2)
generator = init_weights(ResnetGenerator(), generator=torch.Generator().manual_seed(7)).eval()
with torch.no_grad():
    for module in generator.modules():
        if isinstance(module, (torch.nn.Conv2d, torch.nn.ConvTranspose2d)):
            module.bias.normal_(0, 0.05, generator=torch.Generator().manual_seed(8))
state = generator.state_dict()
torch.save(state, f'{folder}/style_test.pth')
legacy = collections.OrderedDict(('module.' + key, value) for key, value in state.items())
for prefix in norm_indices(9):
    legacy['module.' + prefix + 'running_mean'] = torch.zeros(4)
    legacy['module.' + prefix + 'running_var'] = torch.ones(4)
torch.save(legacy, f'{folder}/legacy.pth', _use_new_zipfile_serialization=False)
torch.save(collections.OrderedDict((key.replace('model.26.', 'model.27.'), value) for key, value in state.items()), f'{folder}/wrong.pth')

def b64(tensor):
    return base64.b64encode(tensor.contiguous().numpy().astype('<f4').tobytes()).decode()

cases = []
for seed, shape in ((99, (1, 3, 64, 64)), (100, (1, 3, 48, 80))):
    image = torch.rand(*shape, generator=torch.Generator().manual_seed(seed))
    with torch.no_grad():
        styled = (generator(image * 2 - 1) + 1) / 2
    cases.append({'shape': list(shape), 'input': b64(image), 'output': b64(styled)})
with open(f'{folder}/reference.json', 'w') as file:
    json.dump({'cases': cases}, file)
`;

interface ReferenceCase {
  shape: number[];
  input: string;
  output: string;
}

const floats = (base64: string) => {
  const bytes = Buffer.from(base64, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
};
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const lastLine = (text: string) => text.trimEnd().split('\n').at(-1) ?? '';

/** onnxruntime's largest difference from PyTorch over every reference case (two sizes: H and W are free). */
async function largestDifference(onnxPath: string, cases: ReferenceCase[]): Promise<number> {
  const session = await ort.InferenceSession.create(onnxPath, { executionProviders: ['cpu'], intraOpNumThreads: 2 });
  try {
    expect(session.inputNames).toEqual(['image']);
    expect(session.outputNames).toEqual(['styled']);
    let max = 0;
    for (const reference of cases) {
      const outputs = await session.run({ image: new ort.Tensor('float32', floats(reference.input), reference.shape) });
      const styled = outputs.styled!;
      expect(styled.dims).toEqual(reference.shape);
      const expected = floats(reference.output);
      const actual = styled.data as Float32Array;
      for (let i = 0; i < expected.length; i++) max = Math.max(max, Math.abs(actual[i]! - expected[i]!));
    }
    return max;
  } finally {
    await session.release();
  }
}

interface ListedModel {
  id: string;
  task: string;
  licence: string;
  state: string;
  files: { name: string; state: string }[];
}
async function listed(store: string, env?: NodeJS.ProcessEnv): Promise<ListedModel[]> {
  const result = await runCli(['models', 'list', '--json', '--models-dir', store], { env });
  expect(result.code, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { models: ListedModel[] }).models;
}

const expectOk = (result: CliResult) => expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);

describe.skipIf(torchMissing)('vivify models import cyclegan and pull of the published styles', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let cases: ReferenceCase[];
  const ckpt = (name: string) => join(temp.path, name);

  beforeAll(async () => {
    temp = await makeTempDir();
    const script = join(temp.path, 'make_checkpoints.py');
    await writeFile(script, makeCheckpoints);
    execFileSync(python, [script, join(repoRoot, 'models', 'train'), temp.path], { stdio: ['ignore', 'ignore', 'pipe'] });
    cases = (JSON.parse(await readFile(ckpt('reference.json'), 'utf8')) as { cases: ReferenceCase[] }).cases;
  }, 120_000);
  afterAll(async () => temp?.remove());

  it('converts a checkpoint, checks it with onnxruntime and registers it in the store', async () => {
    const store = join(temp.path, 'store');
    const result = await runCli(['models', 'import', 'cyclegan', ckpt('style_test.pth'), '--name', 'cyclegan-test', '--models-dir', store]);
    expectOk(result);
    expect(result.stdout).toMatch(/9 residual blocks/);
    expect(result.stdout).toMatch(/onnxruntime reproduces PyTorch's output within 0\.0001/);
    expect(result.stdout).toContain(`"cyclegan-test" is installed in ${join(store, 'cyclegan-test')}`);

    const model = (await listed(store)).find((entry) => entry.id === 'cyclegan-test');
    expect(model).toMatchObject({ task: 'style', state: 'installed', licence: "the checkpoint's", files: [{ name: 'generator.onnx', state: 'installed' }] });
    expect(await largestDifference(join(store, 'cyclegan-test', 'generator.onnx'), cases)).toBeLessThanOrEqual(1e-4);

    const verify = await runCli(['models', 'verify', 'cyclegan-test', '--models-dir', store]);
    expectOk(verify);
  }, 180_000);

  it('takes old checkpoints (legacy format, module. prefix, running statistics) and names the model after the file', async () => {
    const store = join(temp.path, 'store');
    const result = await runCli(['models', 'import', 'cyclegan', ckpt('legacy.pth'), '--licence', 'CC BY-NC 4.0', '--models-dir', store]);
    expectOk(result);
    expect(result.stdout).toMatch(/46 stale instance-norm statistics ignored/);
    const model = (await listed(store)).find((entry) => entry.id === 'cyclegan-legacy');
    expect(model).toMatchObject({ state: 'installed', licence: 'CC BY-NC 4.0' });
    expect(await largestDifference(join(store, 'cyclegan-legacy', 'generator.onnx'), cases)).toBeLessThanOrEqual(1e-4);
  }, 180_000);

  it('refuses a checkpoint of another layout with one sentence naming the missing keys', async () => {
    const store = join(temp.path, 'refused');
    const result = await runCli(['models', 'import', 'cyclegan', ckpt('wrong.pth'), '--name', 'cyclegan-wrong', '--models-dir', store]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('is not a CycleGAN ResNet generator');
    expect(result.stderr).toContain('2 keys missing (model.26.bias, model.26.weight)');
    expect(result.stderr).toContain('2 keys not expected (model.27.bias, model.27.weight)');
    expect(existsSync(join(store, 'cyclegan-wrong'))).toBe(false);
  }, 120_000);

  it('without PyTorch says how to install it, exit status 2', async () => {
    const result = await runCli(['models', 'import', 'cyclegan', ckpt('style_test.pth'), '--models-dir', join(temp.path, 'no-torch')], {
      env: { ...process.env, VIVIFY_PYTHON: join(temp.path, 'no-such-python') },
    });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('apt-get install python3-torch');
  }, 60_000);

  it('pulls cyclegan-monet: downloads the checkpoint, converts it, pins both hashes; offline, one sentence', async () => {
    const checkpoint = await readFile(ckpt('legacy.pth'));
    const requests: string[] = [];
    const server: Server = createServer((request, response) => {
      requests.push(request.url ?? '');
      if (request.url !== '/pretrained_models/style_monet.pth') return void response.writeHead(404).end();
      response.writeHead(200, { 'Content-Length': checkpoint.length }).end(checkpoint);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const monet = builtInCatalog.models.find((model) => model.id === 'cyclegan-monet')!;
      const catalogAt = async (url: string) => {
        const path = join(temp.path, `catalog-${requests.length}-${url.length}.json`);
        const entry = { ...monet, files: monet.files.map((file) => ({ ...file, url })) };
        await writeFile(path, JSON.stringify({ format: 'vivify.model-catalog', version: 1, models: [entry] }));
        return { ...process.env, VIVIFY_MODEL_CATALOG: path };
      };
      const env = await catalogAt(`http://127.0.0.1:${port}/pretrained_models/style_monet.pth`);
      const store = join(temp.path, 'pulled');

      const pull = await runCli(['models', 'pull', 'cyclegan-monet', '--models-dir', store], { env });
      expectOk(pull);
      expect(pull.stdout).toMatch(/onnxruntime reproduces PyTorch's output within 0\.0001/);
      expect(requests).toEqual(['/pretrained_models/style_monet.pth']);
      expect((await listed(store, env)).find((entry) => entry.id === 'cyclegan-monet')).toMatchObject({ state: 'installed', task: 'style' });
      const onnx = join(store, 'cyclegan-monet', 'generator.onnx');
      expect(await largestDifference(onnx, cases)).toBeLessThanOrEqual(1e-4);
      // The checkpoint is not kept; the lock pins it and the ONNX made from it.
      expect(existsSync(join(store, 'cyclegan-monet', 'generator.onnx.part'))).toBe(false);
      const lock = JSON.parse(await readFile(join(store, 'models.lock.json'), 'utf8')) as {
        models: Record<string, Record<string, { sha256: string; source: string; sourceSha256?: string; url: string }>>;
      };
      expect(lock.models['cyclegan-monet']!['generator.onnx']).toMatchObject({
        source: 'converted',
        sha256: sha256(await readFile(onnx)),
        sourceSha256: sha256(checkpoint),
        url: `http://127.0.0.1:${port}/pretrained_models/style_monet.pth`,
      });
      expectOk(await runCli(['models', 'verify', 'cyclegan-monet', '--models-dir', store], { env }));

      // Installed: a second pull downloads nothing.
      const again = await runCli(['models', 'pull', 'cyclegan-monet', '--models-dir', store], { env });
      expectOk(again);
      expect(again.stdout).toContain('generator.onnx: already installed');
      expect(requests).toHaveLength(1);

      // Offline: the store's one sentence, with the import that does without the network; that import converts too.
      await new Promise<void>((resolve) => server.close(() => resolve()));
      const offlineStore = join(temp.path, 'offline');
      const offline = await runCli(['models', 'pull', 'cyclegan-monet', '--models-dir', offlineStore], { env });
      expect(offline.code).toBe(1);
      expect(lastLine(offline.stderr)).toMatch(
        /^vivify: could not download http:\/\/127\.0\.0\.1:\d+\/pretrained_models\/style_monet\.pth: the connection was refused \(ECONNREFUSED\); with the files at hand, import them instead: vivify models import cyclegan-monet <folder> --models-dir /,
      );
      const imported = await runCli(['models', 'import', 'cyclegan-monet', ckpt('legacy.pth'), '--models-dir', offlineStore], { env });
      expectOk(imported);
      expect(imported.stdout).toContain(`"cyclegan-monet" is installed in ${join(offlineStore, 'cyclegan-monet')}`);
      expect(await largestDifference(join(offlineStore, 'cyclegan-monet', 'generator.onnx'), cases)).toBeLessThanOrEqual(1e-4);

      // A generator.onnx converted elsewhere is imported as it is, checked against the catalog's signature.
      const copied = await runCli(['models', 'import', 'cyclegan-monet', onnx, '--models-dir', join(temp.path, 'copied')], { env });
      expectOk(copied);
      expect(copied.stdout).toContain(`generator.onnx: imported from ${onnx}`);
      const wrongFile = join(temp.path, 'not-a-style', 'generator.onnx');
      await mkdir(join(temp.path, 'not-a-style'));
      await writeFile(wrongFile, 'not onnx');
      const refused = await runCli(['models', 'import', 'cyclegan-monet', wrongFile, '--models-dir', join(temp.path, 'copied-wrong')], { env });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('generator.onnx: not an ONNX model');
    } finally {
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }, 300_000);
});
