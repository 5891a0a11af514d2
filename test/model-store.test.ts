import { createHash } from 'node:crypto';
import { existsSync, watch } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogSignature } from '../models/catalog.ts';
import { encodeModel, makeModel, makeNode, makeTensor, valueInfo } from '../runtime/onnx/onnx-graph.ts';
import { formatBytes } from '../models/store/byte-size.ts';
import { modelFilePath, modelProblem, resolveModelsDir } from '../models/store/index.ts';
import { makeTempDir, runCli } from '../support/cli.ts';

/**
 * The model store end to end: the real `vivify models` CLI against a local HTTP server (with Range support, and
 * faults on demand) and small ONNX files built here whose declared inputs and outputs are a test catalog's.
 */

const encoderSignature: CatalogSignature = {
  inputs: [{ name: 'img', type: ['float32', 'float16'], shape: [1, 3, 8, 8] }],
  outputs: [
    { name: 'feature', type: 'float32', shape: [1, 4] },
    { name: 'kp', type: ['float32', 'float16'], shape: [1, 6] },
  ],
};
const decoderSignature: CatalogSignature = {
  inputs: [{ name: 'feature', type: 'float32', shape: [1, 4] }],
  outputs: [{ name: 'out', type: 'float32', shape: [1, 3, 8, 8] }],
};

/** An ONNX file declaring `signature` (outputs in another order: they match by name), padded to tens of kilobytes. */
function onnxFile(signature: CatalogSignature, options: { seed?: number; renameInput?: string } = {}): Buffer {
  const first = (type: CatalogSignature['inputs'][number]['type']) => (Array.isArray(type) ? type[0]! : type);
  const inputs = signature.inputs.map((tensor, i) => valueInfo(i === 0 && options.renameInput ? options.renameInput : tensor.name, first(tensor.type), tensor.shape));
  const outputs = [...signature.outputs].reverse().map((tensor) => valueInfo(tensor.name, first(tensor.type), tensor.shape));
  const padding = Float32Array.from({ length: 16384 }, (_, i) => Math.sin(i + (options.seed ?? 0)));
  const model = makeModel({
    nodes: outputs.map((output) => makeNode('Identity', [inputs[0]!.name!], [output.name!])),
    inputs,
    outputs,
    initializers: [makeTensor('padding', 'float32', [padding.length], padding)],
  });
  return Buffer.from(encodeModel(model));
}

/** The error line, below the download's progress lines. */
const lastLine = (text: string) => `${text.trimEnd().split('\n').at(-1)}\n`;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A file server that honours `Range: bytes=N-`, records what it was asked, and can break on purpose. */
interface TestServer {
  base: string;
  files: Map<string, Buffer>;
  requests: { path: string; range: string | undefined }[];
  /** Paths whose next answer stops after this many bytes and drops the connection. */
  dropAfter: Map<string, number>;
  /** Answer 200 with the whole file even where a range was asked (as some servers do). */
  ignoreRange: boolean;
  close(): Promise<void>;
}

async function startServer(): Promise<TestServer> {
  const files = new Map<string, Buffer>();
  const requests: TestServer['requests'] = [];
  const dropAfter = new Map<string, number>();
  const state = { ignoreRange: false };
  const server: Server = createServer((request, response) => {
    const path = request.url ?? '/';
    const range = request.headers.range;
    requests.push({ path, range });
    const body = files.get(path);
    if (!body) {
      response.writeHead(404, 'Not Found').end();
      return;
    }
    const match = /^bytes=(\d+)-$/.exec(range ?? '');
    let start = 0;
    if (match && !state.ignoreRange) {
      start = Number(match[1]);
      if (start >= body.length) {
        response.writeHead(416, { 'Content-Range': `bytes */${body.length}` }).end();
        return;
      }
      response.writeHead(206, { 'Content-Length': body.length - start, 'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}` });
    } else {
      response.writeHead(200, { 'Content-Length': body.length });
    }
    const drop = dropAfter.get(path);
    if (drop !== undefined) {
      dropAfter.delete(path);
      // The connection dies mid-body, once the client has had time to take these bytes (bytes still buffered in the
      // client when it breaks are lost, as in real life, which would make the resume point vary).
      response.write(body.subarray(start, drop), () => setTimeout(() => response.socket?.destroy(), 300));
      return;
    }
    response.end(body.subarray(start));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    files,
    requests,
    dropAfter,
    get ignoreRange() {
      return state.ignoreRange;
    },
    set ignoreRange(value: boolean) {
      state.ignoreRange = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A port nothing listens on: bound once, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let dir: { path: string; remove: () => Promise<void> };
let server: TestServer;
let store: string;
let env: NodeJS.ProcessEnv;
const encoder = onnxFile(encoderSignature);
const decoder = onnxFile(decoderSignature);

function entry(id: string, files: { name: string; url: string; sha256?: string; signature: CatalogSignature }[]) {
  return { id, title: `Test model ${id}`, task: 'test', licence: 'MIT', homepage: 'https://example.com/vivify', notes: 'built by the test', files };
}

beforeAll(async () => {
  dir = await makeTempDir();
  server = await startServer();
  server.files.set('/tiny/encoder.onnx', encoder);
  server.files.set('/tiny/decoder.onnx', decoder);
  const offline = `http://127.0.0.1:${await closedPort()}/tiny/encoder.onnx`;
  const catalog = {
    format: 'vivify.model-catalog',
    version: 1,
    models: [
      entry('tiny', [
        { name: 'encoder.onnx', url: `${server.base}/tiny/encoder.onnx`, signature: encoderSignature },
        { name: 'decoder.onnx', url: `${server.base}/tiny/decoder.onnx`, signature: decoderSignature },
      ]),
      entry('wrong-hash', [{ name: 'encoder.onnx', url: `${server.base}/tiny/encoder.onnx`, sha256: '0'.repeat(64), signature: encoderSignature }]),
      entry('published', [{ name: 'decoder.onnx', url: `${server.base}/tiny/decoder.onnx`, sha256: sha256(decoder), signature: decoderSignature }]),
      entry('offline', [{ name: 'encoder.onnx', url: offline, signature: encoderSignature }]),
    ],
  };
  const catalogPath = join(dir.path, 'test-catalog.json');
  await writeFile(catalogPath, JSON.stringify(catalog, null, 2));
  store = join(dir.path, 'store');
  env = { ...process.env, VIVIFY_MODELS_DIR: store, VIVIFY_MODEL_CATALOG: catalogPath };
  // modelProblem is called in this process too.
  process.env.VIVIFY_MODEL_CATALOG = catalogPath;
});

afterAll(async () => {
  delete process.env.VIVIFY_MODEL_CATALOG;
  await server.close();
  await dir.remove();
});

const lockOf = async (folder: string) =>
  JSON.parse(await readFile(join(folder, 'models.lock.json'), 'utf8')) as {
    models: Record<string, Record<string, { sha256: string; size: number; url: string | null; source: string }>>;
  };

describe('vivify models pull', () => {
  it('resumes an interrupted download with a Range request, shows progress and records each hash in the lock', async () => {
    const part = join(store, 'tiny', 'encoder.onnx.part');
    server.dropAfter.set('/tiny/encoder.onnx', 1000);
    const broken = await runCli(['models', 'pull', 'tiny'], { env });
    expect(broken.code).toBe(1);
    expect(broken.stderr.split('\n').at(-2)).toMatch(
      new RegExp(`^vivify: could not download ${server.base}/tiny/encoder\\.onnx: .+; the 1\\.00 kB of [\\d.]+ kB received are kept and vivify models pull tiny resumes from there; with the files at hand, import them instead: vivify models import tiny <folder>$`),
    );
    expect((await stat(part)).size).toBe(1000);
    expect(existsSync(join(store, 'tiny', 'encoder.onnx'))).toBe(false);

    server.requests.length = 0;
    const resumed = await runCli(['models', 'pull', 'tiny'], { env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(server.requests).toEqual([
      { path: '/tiny/encoder.onnx', range: 'bytes=1000-' },
      { path: '/tiny/decoder.onnx', range: undefined },
    ]);
    // Progress as plain lines (stderr is not a terminal here), results on stdout.
    const size = formatBytes(encoder.length);
    expect(resumed.stderr).toContain(`encoder.onnx: resuming at 1.00 kB of ${size} from ${server.base}/tiny/encoder.onnx\n`);
    expect(resumed.stderr).toContain(`encoder.onnx: 100% (${size} of ${size})\n`);
    expect(resumed.stderr).toMatch(/^decoder\.onnx: downloading [\d.]+ kB from /m);
    expect(resumed.stdout).toContain(`encoder.onnx: downloaded, ${size}, sha256 ${sha256(encoder)} (recorded in the lock: later pulls must match it)\n`);
    expect(resumed.stdout).toContain(`"tiny" is installed in ${join(store, 'tiny')}\n`);
    expect(sha256(await readFile(join(store, 'tiny', 'encoder.onnx')))).toBe(sha256(encoder));
    expect(existsSync(part)).toBe(false);

    const lock = await lockOf(store);
    expect(lock.models.tiny).toEqual({
      'encoder.onnx': expect.objectContaining({ sha256: sha256(encoder), size: encoder.length, url: `${server.base}/tiny/encoder.onnx`, source: 'downloaded' }),
      'decoder.onnx': expect.objectContaining({ sha256: sha256(decoder), size: decoder.length, source: 'downloaded' }),
    });

    // A second pull finds both in place and downloads nothing.
    server.requests.length = 0;
    const again = await runCli(['models', 'pull', 'tiny', '--json'], { env });
    expect(again.code).toBe(0);
    expect(server.requests).toEqual([]);
    const events = again.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; status?: string; checkedAgainst?: string });
    expect(events.filter((event) => event.type === 'file').map((event) => [event.status, event.checkedAgainst])).toEqual([
      ['present', 'lock'],
      ['present', 'lock'],
    ]);
    expect(events.at(-1)).toEqual({ type: 'done', model: 'tiny', path: join(store, 'tiny') });
  });

  it('starts again from byte 0 where the server answers a range with 200', async () => {
    const folder = join(dir.path, 'store-200');
    await mkdir(join(folder, 'published'), { recursive: true });
    // Bytes that would corrupt the file if the whole answer were appended to them.
    await writeFile(join(folder, 'published', 'decoder.onnx.part'), Buffer.alloc(500, 7));
    server.ignoreRange = true;
    server.requests.length = 0;
    try {
      const result = await runCli(['models', 'pull', 'published', '--models-dir', folder], { env });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(`(matches the catalog)`);
    } finally {
      server.ignoreRange = false;
    }
    expect(server.requests).toEqual([{ path: '/tiny/decoder.onnx', range: 'bytes=500-' }]);
    expect(sha256(await readFile(join(folder, 'published', 'decoder.onnx')))).toBe(sha256(decoder));
  });

  it('refuses a file whose hash differs from the catalog: removed, never installed, exit 1', async () => {
    const folder = join(dir.path, 'store-wrong');
    await mkdir(join(folder, 'wrong-hash'), { recursive: true });
    const seen: string[] = [];
    const watcher = watch(join(folder, 'wrong-hash'), (_event, name) => name && seen.push(name));
    const result = await runCli(['models', 'pull', 'wrong-hash', '--models-dir', folder], { env });
    watcher.close();
    expect(result.code).toBe(1);
    expect(lastLine(result.stderr)).toBe(
      `vivify: encoder.onnx from ${server.base}/tiny/encoder.onnx is not the expected file: its sha256 should be ${'0'.repeat(64)} (the catalog), got ${sha256(encoder)}; the download was removed\n`,
    );
    expect(seen).toContain('encoder.onnx.part');
    expect(seen).not.toContain('encoder.onnx');
    expect(existsSync(join(folder, 'wrong-hash', 'encoder.onnx'))).toBe(false);
    expect(existsSync(join(folder, 'wrong-hash', 'encoder.onnx.part'))).toBe(false);
    expect(existsSync(join(folder, 'models.lock.json'))).toBe(false);
  });

  it('fails where a later download gives other bytes than the lock recorded', async () => {
    const folder = join(dir.path, 'store-changed');
    expect((await runCli(['models', 'pull', 'tiny', '--models-dir', folder], { env })).code).toBe(0);
    await rm(join(folder, 'tiny', 'encoder.onnx'));
    const changed = onnxFile(encoderSignature, { seed: 1 });
    server.files.set('/tiny/encoder.onnx', changed);
    try {
      const result = await runCli(['models', 'pull', 'tiny', '--models-dir', folder], { env });
      expect(result.code).toBe(1);
      expect(lastLine(result.stderr)).toBe(
        `vivify: encoder.onnx from ${server.base}/tiny/encoder.onnx is not the expected file: its sha256 should be ${sha256(encoder)} (the lock, from its first download), got ${sha256(changed)}; the download was removed\n`,
      );
    } finally {
      server.files.set('/tiny/encoder.onnx', encoder);
    }
    expect(existsSync(join(folder, 'tiny', 'encoder.onnx'))).toBe(false);
    expect(existsSync(join(folder, 'tiny', 'encoder.onnx.part'))).toBe(false);
    expect((await lockOf(folder)).models.tiny?.['encoder.onnx']?.sha256).toBe(sha256(encoder));
  });

  it('offline: one sentence naming the URL, the reason and the import command', async () => {
    const result = await runCli(['models', 'pull', 'offline'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      // The catalog has no published hash for it: the first pull says so before it downloads.
      /^encoder\.onnx: unpinned: no published sha256 to check the download from http:\/\/127\.0\.0\.1:\d+\/tiny\/encoder\.onnx against; .*\nvivify: could not download http:\/\/127\.0\.0\.1:\d+\/tiny\/encoder\.onnx: the connection was refused \(ECONNREFUSED\); with the files at hand, import them instead: vivify models import offline <folder>\n$/,
    );    // Nothing is left behind: no empty .part, no empty folder.
    expect(existsSync(join(store, 'offline'))).toBe(false);
  });

  it('names the models there are for an unknown id, exit 2', async () => {
    const result = await runCli(['models', 'pull', 'nope'], { env });
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toBe('vivify: unknown model "nope": the catalog has liveportrait, cyclegan-monet, cyclegan-vangogh, cyclegan-cezanne, cyclegan-ukiyoe, tiny, wrong-hash, published, offline (vivify models list describes them)\n');
  });
});

describe('vivify models import', () => {
  it('takes a folder of correctly shaped files, checks them and records them as imported; --models-dir wins over VIVIFY_MODELS_DIR', async () => {
    const source = join(dir.path, 'from-elsewhere');
    await mkdir(source, { recursive: true });
    await writeFile(join(source, 'encoder.onnx'), encoder);
    await writeFile(join(source, 'decoder.onnx'), decoder);
    await writeFile(join(source, 'unrelated.onnx'), 'another model');
    const folder = join(dir.path, 'store-imported');
    const result = await runCli(['models', 'import', 'tiny', source, '--models-dir', folder], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(
      `encoder.onnx: imported from ${join(source, 'encoder.onnx')}, ${formatBytes(encoder.length)}, sha256 ${sha256(encoder)}\n` +
        `decoder.onnx: imported from ${join(source, 'decoder.onnx')}, ${formatBytes(decoder.length)}, sha256 ${sha256(decoder)}\n` +
        `"tiny" is installed in ${join(folder, 'tiny')}\n`,
    );
    // Nothing published to check the weights against: said, not hidden.
    expect(result.stderr).toContain('note: encoder.onnx: unpinned: the catalog has no published sha256 to check its weights against');
    expect(await readFile(join(folder, 'tiny', 'decoder.onnx'))).toEqual(decoder);
    expect((await lockOf(folder)).models.tiny?.['encoder.onnx']).toMatchObject({ sha256: sha256(encoder), url: null, source: 'imported' });
    expect(existsSync(join(folder, 'tiny', 'unrelated.onnx'))).toBe(false);
  });

  it('refuses weights that are not the published ones where the catalog pins them (a right signature is not enough), unless --force', async () => {
    const source = join(dir.path, 'other-weights');
    await mkdir(source, { recursive: true });
    const other = onnxFile(decoderSignature, { seed: 7 });
    await writeFile(join(source, 'decoder.onnx'), other);
    const folder = join(dir.path, 'store-pinned');
    const refused = await runCli(['models', 'import', 'published', source, '--models-dir', folder], { env });
    expect(refused).toMatchObject({ code: 2, stdout: '' });
    expect(refused.stderr).toBe(
      'vivify: nothing imported for "published": 1 problem:\n' +
        `  decoder.onnx: its sha256 ${sha256(other)} is not the published file's (${sha256(decoder)}): damaged, or another export of the model; pass --force to import it all the same\n`,
    );
    expect(existsSync(join(folder, 'published', 'decoder.onnx'))).toBe(false);
    const forced = await runCli(['models', 'import', 'published', source, '--models-dir', folder, '--force'], { env });
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toBe(`note: decoder.onnx: its sha256 ${sha256(other)} differs from the catalog's ${sha256(decoder)}; imported all the same (--force)\n`);
    expect(await readFile(join(folder, 'published', 'decoder.onnx'))).toEqual(other);
  });

  it('refuses a file with a wrong input name, naming the file, the tensor and the expected shape; nothing is copied, exit 2', async () => {
    const source = join(dir.path, 'wrong-export');
    await mkdir(source, { recursive: true });
    await writeFile(join(source, 'encoder.onnx'), onnxFile(encoderSignature, { renameInput: 'image' }));
    const folder = join(dir.path, 'store-refused');
    const result = await runCli(['models', 'import', 'tiny', source, '--models-dir', folder], { env });
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toBe(
      'vivify: nothing imported for "tiny": 2 problems:\n' +
        '  encoder.onnx: input "image" is not expected; the model needs input "img" float32 or float16 [1,3,8,8]\n' +
        `  decoder.onnx: not found in ${source}\n`,
    );
    expect(existsSync(folder)).toBe(false);
  });
});

describe('vivify models verify, list, path, remove', () => {
  it('verify passes an intact store and catches a corrupted file', async () => {
    const folder = join(dir.path, 'store-verify');
    expect((await runCli(['models', 'pull', 'tiny', '--models-dir', folder], { env })).code).toBe(0);
    const good = await runCli(['models', 'verify', '--models-dir', folder], { env });
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toMatch(/^ok {9}tiny\/encoder\.onnx {2}sha256 [0-9a-f]{64} matches the lock \(downloaded from http:.*\); unpinned: no published sha256 to check its weights against$/m);

    const path = join(folder, 'tiny', 'decoder.onnx');
    const bytes = await readFile(path);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 10) ^ 0xff, bytes.length - 10);
    await writeFile(path, bytes);
    const bad = await runCli(['models', 'verify', 'tiny', '--models-dir', folder], { env });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^ok {9}tiny\/encoder\.onnx /m);
    expect(bad.stdout).toContain(`damaged    tiny/decoder.onnx  sha256 is ${sha256(bytes)}, but the lock says ${sha256(decoder)}: the file changed since it was downloaded; vivify models pull tiny --models-dir ${folder} fetches it again\n`);
    expect(bad.stderr).toBe('vivify: verify found 1 file not as recorded: tiny/decoder.onnx\n');
  });

  it('list shows each model and its state; path prints the folder; remove deletes it and its lock entries', async () => {
    const list = await runCli(['models', 'list'], { env });
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n')[0]).toBe(`Model store: ${store} (VIVIFY_MODELS_DIR)`);
    expect(list.stdout).toMatch(/^liveportrait +missing +reenact +MIT +6 files, size unknown +unpinned +LivePortrait, portrait reenactment by KwaiVGI$/m);
    expect(list.stdout).toMatch(/^tiny +installed +test +MIT +2 files, size unknown +unpinned +Test model tiny$/m);
    expect(list.stdout).toMatch(/^published +missing +test +MIT +1 file, size unknown +pinned +Test model published$/m);
    const json = JSON.parse((await runCli(['models', 'list', '--json'], { env })).stdout) as { models: { id: string; state: string; pinned: boolean }[] };
    expect(json.models.filter((model) => model.pinned).map((model) => model.id)).toEqual(['wrong-hash', 'published']);
    expect(json.models.map((model) => [model.id, model.state])).toEqual([
      ['liveportrait', 'missing'],
      ['cyclegan-monet', 'missing'],
      ['cyclegan-vangogh', 'missing'],
      ['cyclegan-cezanne', 'missing'],
      ['cyclegan-ukiyoe', 'missing'],
      ['tiny', 'installed'],
      ['wrong-hash', 'missing'],
      ['published', 'missing'],
      ['offline', 'missing'],
    ]);

    expect(await runCli(['models', 'path', 'tiny'], { env })).toMatchObject({ code: 0, stdout: `${join(store, 'tiny')}\n` });
    const absent = await runCli(['models', 'path', 'published'], { env });
    expect(absent).toMatchObject({ code: 1, stdout: '', stderr: `vivify: "published" is not installed in the model store (${store}); vivify models pull published fetches it\n` });

    const removed = await runCli(['models', 'remove', 'tiny'], { env });
    expect(removed).toMatchObject({ code: 0, stdout: `Removed "tiny" from ${store}\n` });
    expect(existsSync(join(store, 'tiny'))).toBe(false);
    expect((await lockOf(store)).models.tiny).toBeUndefined();
  });
});

describe('modelProblem', () => {
  it('names the pull and import commands until every file is installed', async () => {
    const folder = join(dir.path, 'store-problem');
    const problem = await modelProblem(folder, 'tiny');
    expect(problem).toBe(
      `the graph needs model "tiny" (Test model tiny), which is not in the model store (${folder}); fetch it with: vivify models pull tiny --models-dir ${folder}  ` +
        `(or, with the files at hand: vivify models import tiny <folder> --models-dir ${folder})`,
    );
    await mkdir(join(folder, 'tiny'), { recursive: true });
    await writeFile(modelFilePath(folder, 'tiny', 'encoder.onnx'), encoder);
    expect(await modelProblem(folder, 'tiny')).toContain('which is not complete in the model store');
    expect(await modelProblem(folder, 'tiny')).toContain('it lacks decoder.onnx;');
    await writeFile(modelFilePath(folder, 'tiny', 'decoder.onnx'), decoder);
    expect(await modelProblem(folder, 'tiny')).toBeUndefined();
    expect(await modelProblem(folder, 'unknown')).toBe('the graph needs model "unknown", which the model catalog does not know (it has liveportrait, cyclegan-monet, cyclegan-vangogh, cyclegan-cezanne, cyclegan-ukiyoe, tiny, wrong-hash, published, offline)');
    // The store a graph runs against: the option where given, else the environment's or the default folder.
    expect(resolveModelsDir(folder)).toBe(folder);
  });
});
