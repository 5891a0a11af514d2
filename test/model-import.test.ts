import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EditorServer, serveStaticEditor } from '../editor/server/static-server.ts';
import { createEditorSession } from '../editor/session/editor-session.ts';
import type { CatalogSignature } from '../models/catalog.ts';
import { catalogModelWay, findModelProblem, modelProblem } from '../models/store/index.ts';
import { createRegistry } from '../nodes/index.ts';
import { servedModelStore } from '../runtime/browser/browser-onnx.ts';
import { createNodeHost } from '../runtime/node/node-host.ts';
import { encodeModel, makeModel, makeNode, valueInfo } from '../runtime/onnx/onnx-graph.ts';
import { makeTempDir, repoRoot, runCli } from '../support/cli.ts';

/*
 * Models from the editor: the real static server `vivify editor` runs (port 0, a temporary store), its
 * /models/problem.json and POST /models/import answered by the store's own functions, compared with what the real CLI
 * prints for the same files; and an editor session whose host asks that server, as the page's does, marking a node
 * whose model is missing and clearing the mark once a file dropped on it is in.
 */

const generatorSignature: CatalogSignature = {
  inputs: [{ name: 'image', type: 'float32', shape: [1, 3, 'height', 'width'] }],
  outputs: [{ name: 'styled', type: 'float32', shape: [1, 3, 'height', 'width'] }],
};

/** A tiny ONNX file declaring `signature` (its first input renamed where asked): enough for the import's checks. */
function onnxFile(signature: CatalogSignature, renameInput?: string): Buffer {
  const type = (tensor: CatalogSignature['inputs'][number]) => (Array.isArray(tensor.type) ? tensor.type[0]! : tensor.type);
  const inputs = signature.inputs.map((tensor, i) => valueInfo(i === 0 && renameInput ? renameInput : tensor.name, type(tensor), tensor.shape));
  const outputs = signature.outputs.map((tensor) => valueInfo(tensor.name, type(tensor), tensor.shape));
  return Buffer.from(encodeModel(makeModel({ nodes: outputs.map((output) => makeNode('Identity', [inputs[0]!.name!], [output.name!])), inputs, outputs })));
}

let dir: { path: string; remove: () => Promise<void> };
let store: string;
let server: EditorServer;
const saved = { models: process.env.VIVIFY_MODELS_DIR, python: process.env.VIVIFY_PYTHON };

beforeAll(async () => {
  dir = await makeTempDir();
  store = join(dir.path, 'store');
  await mkdir(join(dir.path, 'site'));
  // The server reads the store where the CLI does: this process's environment.
  process.env.VIVIFY_MODELS_DIR = store;
  // No PyTorch, whatever this machine has: a checkpoint's conversion is refused the same way on every machine.
  process.env.VIVIFY_PYTHON = join(dir.path, 'no-python');
  server = await serveStaticEditor({ root: join(dir.path, 'site'), port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await server?.close();
  for (const [key, value] of [['VIVIFY_MODELS_DIR', saved.models], ['VIVIFY_PYTHON', saved.python]] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  await dir?.remove();
});

const cliEnv = () => ({ ...process.env, VIVIFY_MODELS_DIR: store, VIVIFY_PYTHON: process.env.VIVIFY_PYTHON });

/** Posts `bytes` as the page does for a file dropped on a node needing `model`. */
function post(bytes: Uint8Array, query: Record<string, string>, headers: Record<string, string> = { 'Content-Type': 'application/octet-stream' }) {
  return fetch(`${server.url}models/import?${new URLSearchParams(query)}`, { method: 'POST', headers, body: new Uint8Array(bytes) });
}

describe('the remedy for a missing model', () => {
  it('is train for a DeepFakes model, in the CLI and from the editor’s server alike', async () => {
    const problem = await findModelProblem(store, 'deepfakes', 'faceswap');
    expect(problem).toEqual({
      model: 'deepfakes',
      remedy: 'train',
      command: 'vivify train deepfakes --a <faces> --b <faces> --out <dir> --name deepfakes',
      message:
        `the graph needs model "deepfakes", which is not in the model store (${store}): a DeepFakes face swap is trained on this machine, ` +
        'from two face sets that vivify extract makes: vivify train deepfakes --a <faces> --b <faces> --out <dir> --name deepfakes',
    });
    expect(await (await fetch(`${server.url}models/problem.json?model=deepfakes&task=faceswap`)).json()).toEqual({ problem });
    const render = await runCli(['render', join(repoRoot, 'presets', 'deepfakes-swap.json'), '--driving', '/dev/null', '-o', join(dir.path, 'out.mp4')], { env: cliEnv() });
    expect(render).toMatchObject({ code: 2, stderr: `vivify: ${problem!.message}\n` });
  });

  it('is pull for LivePortrait and the published styles, import for a style of your own', async () => {
    expect(await findModelProblem(store, 'liveportrait', 'reenact')).toMatchObject({ remedy: 'pull', command: 'vivify models pull liveportrait' });
    expect(await findModelProblem(store, 'cyclegan-vangogh', 'style')).toMatchObject({ remedy: 'pull', command: 'vivify models pull cyclegan-vangogh' });
    const own = await findModelProblem(store, 'my-style', 'style');
    expect(own).toMatchObject({ remedy: 'import', command: 'vivify models import cyclegan <checkpoint.pth> --name my-style' });
    expect(own!.message).toMatch(/; or choose one of the catalog's: cyclegan-monet, cyclegan-vangogh, cyclegan-cezanne, cyclegan-ukiyoe$/);
    // A model made here whose files are gone: made again (its trainer), or its files imported; never pulled.
    const trained = { id: 'alice-bob', title: 'DeepFakes', task: 'faceswap', licence: 'own', homepage: 'https://example.com', notes: '', files: [{ name: 'deepfakes_a2b.onnx', url: null }] };
    expect(catalogModelWay(trained, '')).toEqual({
      remedy: 'train',
      command: 'vivify train deepfakes --a <faces> --b <faces> --out <dir> --name alice-bob',
      advice: 'it was made on this machine: make it again (vivify train deepfakes --a <faces> --b <faces> --out <dir> --name alice-bob), or import its files: vivify models import alice-bob <folder>',
    });
    // Without a task, a model no catalog knows is named as before.
    expect(await modelProblem(store, 'my-style')).toMatch(/^the graph needs model "my-style", which the model catalog does not know \(it has liveportrait, /);
  });
});

describe('POST /models/import on the editor’s server', () => {
  it('installs a catalog file with the checks of vivify models import, answering what the CLI prints', async () => {
    const answer = await post(onnxFile(generatorSignature), { model: 'cyclegan-vangogh', task: 'style', file: 'generator.onnx' });
    expect(answer.status).toBe(200);
    const { lines } = (await answer.json()) as { lines: string[] };
    expect(lines[0]).toMatch(/^generator\.onnx: imported from generator\.onnx, [\d.]+ k?B, sha256 [0-9a-f]{64}$/);
    expect(lines.at(-1)).toBe(`"cyclegan-vangogh" is installed in ${join(store, 'cyclegan-vangogh')}`);
    expect(await readFile(join(store, 'cyclegan-vangogh', 'generator.onnx'))).toEqual(onnxFile(generatorSignature));
    const lock = JSON.parse(await readFile(join(store, 'models.lock.json'), 'utf8'));
    expect(lock.models['cyclegan-vangogh']['generator.onnx']).toMatchObject({ source: 'imported', url: null });
    expect(await (await fetch(`${server.url}models/problem.json?model=cyclegan-vangogh&task=style`)).json()).toEqual({ problem: null });
  });

  it('refuses a file with the wrong signature in the CLI’s words, installing nothing', async () => {
    const wrong = onnxFile(generatorSignature, 'img');
    const answer = await post(wrong, { model: 'cyclegan-monet', task: 'style', file: 'generator.onnx' });
    expect(answer.status).toBe(400);
    const sentence = await answer.text();
    expect(sentence).toBe('nothing imported for "cyclegan-monet": 1 problem:\n  generator.onnx: input "img" is not expected; the model needs input "image" float32 [1,3,height,width]');
    expect(existsSync(join(store, 'cyclegan-monet'))).toBe(false);
    await mkdir(join(dir.path, 'by-hand'), { recursive: true });
    await writeFile(join(dir.path, 'by-hand', 'generator.onnx'), wrong);
    const cli = await runCli(['models', 'import', 'cyclegan-monet', join(dir.path, 'by-hand', 'generator.onnx')], { env: cliEnv() });
    expect(cli).toMatchObject({ code: 2, stderr: `vivify: ${sentence}\n` });
  });

  it('converts a checkpoint as vivify models import cyclegan does, and says in one sentence that PyTorch is missing', async () => {
    const answer = await post(new Uint8Array([1, 2, 3]), { model: 'my-style', task: 'style', file: 'latest_net_G.pth' });
    expect(answer.status).toBe(400);
    const sentence = await answer.text();
    expect(sentence).toMatch(/^converting a CycleGAN ResNet generator checkpoint to ONNX needs PyTorch, and .+: install it with /);
    await writeFile(join(dir.path, 'latest_net_G.pth'), new Uint8Array([1, 2, 3]));
    const cli = await runCli(['models', 'import', 'cyclegan', join(dir.path, 'latest_net_G.pth'), '--name', 'my-style'], { env: cliEnv() });
    expect(cli).toMatchObject({ code: 2, stderr: `vivify: ${sentence}\n` });
  });

  it('answers a DeepFakes file with the way such a model is made', async () => {
    const answer = await post(onnxFile(generatorSignature), { model: 'deepfakes', task: 'faceswap', file: 'deepfakes_a2b.onnx' });
    expect(answer.status).toBe(400);
    expect(await answer.text()).toBe(`deepfakes_a2b.onnx cannot be imported: ${await modelProblem(store, 'deepfakes', 'faceswap')}`);
  });

  it('takes files from the editor’s own page only, as octet-stream, under a plain name', async () => {
    const bytes = onnxFile(generatorSignature);
    const query = { model: 'cyclegan-cezanne', task: 'style', file: 'generator.onnx' };
    expect((await post(bytes, query, { 'Content-Type': 'application/octet-stream', Origin: 'http://elsewhere.example' })).status).toBe(403);
    expect((await post(bytes, query, { 'Content-Type': 'text/plain' })).status).toBe(415);
    const climbing = await post(bytes, { ...query, file: '../generator.onnx' });
    expect([climbing.status, await climbing.text()]).toEqual([400, '"../generator.onnx" cannot be a model file\'s name: letters, digits, ".", "_" or "-" only, as the catalog names them']);
    expect((await fetch(`${server.url}models/import`)).status).toBe(405);
    expect((await fetch(`${server.url}models/cyclegan-cezanne/generator.onnx`, { method: 'PUT', body: 'x' })).status).toBe(405);
    expect(existsSync(join(store, 'cyclegan-cezanne'))).toBe(false);
  });
});

describe('an editor session asking the editor’s server, as the page does', () => {
  it('marks the style node whose model is missing on open, and clears the mark once a file dropped on it is in', async () => {
    const served = servedModelStore(`${server.url}models/`);
    const session = createEditorSession({
      registry: createRegistry(),
      host: { ...createNodeHost(), modelProblem: served.modelProblem, importModelFile: served.importModelFile },
      files: { add: (file) => file.name, get: () => new Blob([]) },
      recent: { list: async () => [], remember: async () => [] },
      viewer: { show: () => undefined, setInset: () => undefined, setBefore: () => undefined, clear: () => undefined },
      download: () => undefined,
      copy: () => undefined,
    });
    session.openText('painting-style.json', await readFile(join(repoRoot, 'presets', 'painting-style.json'), 'utf8'));
    session.store.setParam('style', 'model', 'cyclegan-ukiyoe');
    await session.models.check();
    expect(Object.fromEntries(session.models.badges())).toEqual({
      style: { text: 'model missing: vivify models pull cyclegan-ukiyoe', tone: 'error', detail: (await modelProblem(store, 'cyclegan-ukiyoe', 'style'))! },
    });

    await session.drop([new File([new Uint8Array(onnxFile(generatorSignature, 'img'))], 'generator.onnx')], 'style');
    expect(session.message()).toMatch(/^nothing imported for "cyclegan-ukiyoe": 1 problem:\n {2}generator\.onnx: input "img" is not expected/);
    expect(session.models.badges().get('style')?.tone).toBe('error');

    await session.drop([new File([new Uint8Array(onnxFile(generatorSignature))], 'generator.onnx')], 'style');
    expect(session.message()).toContain(`"cyclegan-ukiyoe" is installed in ${join(store, 'cyclegan-ukiyoe')}`);
    expect(session.models.badges().size).toBe(0);
    expect(existsSync(join(store, 'cyclegan-ukiyoe', 'generator.onnx'))).toBe(true);
  }, 60_000);
});
