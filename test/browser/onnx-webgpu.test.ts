import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeModel, makeModel, makeNode, valueInfo } from '../../runtime/onnx/onnx-graph.ts';
import { makeTempDir } from '../../support/cli.ts';
import { type SeededInputs, warpingStandinInputs, warpingStandinModel } from '../support/warping-standin.ts';
import { liveportraitStandins, standinsUnavailable } from '../../support/liveportrait-standins.ts';
import { hasChromium } from '../../support/chromium.ts';
import { cpuReference, maxDifference, type OnnxPageSession, openOnnxPage, type RunResult } from '../support/webgpu-compare.ts';

interface OnnxPage {
  runOpened(provider: 'webgpu' | 'wasm', ref: ModelRef, inputs: SeededInputs, runs?: number): Promise<RunResult>;
  runUnrewritten(ref: ModelRef, inputs: SeededInputs): Promise<{ ok: true; ms: number; output: string } | { ok: false; error: string }>;
  adapterInfo(): Promise<Record<string, unknown> | undefined>;
  problem(model: string): Promise<string | undefined>;
}
interface ModelRef {
  model: string;
  file: string;
}

const standin: ModelRef = { model: 'standin', file: 'warping_spade.onnx' };
// The LivePortrait stand-in PyTorch exports (opset 16, as FasterLivePortrait's warping exports): where PyTorch is here.
const exported: ModelRef = { model: 'liveportrait-standin', file: 'warping_spade.onnx' };
// One opset-16 GridSample on a small volume: WebGPU has a kernel for that opset, 4-D only.
const opset16: ModelRef = { model: 'gridsample16', file: 'sample.onnx' };
const opset16Inputs: SeededInputs = { X: { dims: [1, 4, 8, 16, 16], seed: 11, extent: 1 }, grid: { dims: [1, 8, 16, 16, 3], seed: 12, extent: 1.1 } };

function opset16Model(): Uint8Array {
  return encodeModel(
    makeModel({
      opset: 16,
      nodes: [makeNode('GridSample', ['X', 'grid'], ['Y'], { mode: 'bilinear', padding_mode: 'zeros', align_corners: 0 }, 'sample')],
      inputs: [valueInfo('X', 'float32', opset16Inputs.X!.dims), valueInfo('grid', 'float32', opset16Inputs.grid!.dims)],
      outputs: [valueInfo('Y', 'float32', [1, 4, 8, 16, 16])],
    }),
  );
}



/** What onnxruntime logged while opening a session: from the "open" marker to the "run" one. */
function openingLog(log: string[]): string {
  const start = log.findIndex((line) => line.startsWith('vivify-step: open'));
  const end = log.findIndex((line, i) => i > start && line.startsWith('vivify-step: run'));
  expect(start).toBeGreaterThanOrEqual(0);
  return log.slice(start, end < 0 ? undefined : end).join('\n');
}


describe.skipIf(!hasChromium)('onnxruntime-web in Chromium with WebGPU (SwiftShader)', () => {
  let store: { path: string; remove: () => Promise<void> };
  let session: OnnxPageSession | undefined;
  let address: string;
  let page: Page;
  let log: string[] = [];

  beforeAll(async () => {
    // A model store as `vivify models pull` leaves it, with a download in progress beside a finished file.
    store = await makeTempDir();
    await mkdir(join(store.path, standin.model));
    await writeFile(join(store.path, standin.model, standin.file), warpingStandinModel());
    await writeFile(join(store.path, standin.model, 'generator.onnx.part'), 'half a download');
    await mkdir(join(store.path, opset16.model));
    await writeFile(join(store.path, opset16.model, opset16.file), opset16Model());
    if (!standinsUnavailable) {
      await mkdir(join(store.path, exported.model));
      await copyFile(join(liveportraitStandins(), exported.file), join(store.path, exported.model, exported.file));
    }
    session = await openOnnxPage(store.path);
    ({ page, log } = session);
    address = session.address;
  }, 120_000);
  afterAll(async () => {
    await session?.close();
    await store?.remove();
  });

  /** Runs `action` in the page with an empty log, and returns its result with what the page logged meanwhile. */
  async function inPage<T, A>(action: (page: OnnxPage, arg: A) => Promise<T>, arg: A): Promise<{ result: T; log: string[] }> {
    log.length = 0;
    const result = await page.evaluate(([source, value]) => new Function('page', 'arg', `return (${source})(page, arg)`)((window as unknown as { onnxPage: unknown }).onnxPage, value), [action.toString(), arg] as const);
    return { result: result as T, log: [...log] };
  }

  it('serves the model store read-only at /models/, never a download in progress; a missing model names the pull command', async () => {
    const index = await (await fetch(`${address}models/index.json`)).json();
    expect(index.models).toMatchObject({ gridsample16: ['sample.onnx'], standin: ['warping_spade.onnx'] });
    expect((await fetch(`${address}models/standin/generator.onnx.part`)).status).toBe(404);
    expect((await fetch(`${address}models/standin/%2E%2E%2Fgridsample16`)).status).toBe(404);
    expect((await fetch(`${address}models/standin/warping_spade.onnx`, { method: 'PUT', body: 'x' })).status).toBe(405);
    const served = await fetch(`${address}models/standin/warping_spade.onnx`);
    expect(Buffer.from(await served.arrayBuffer()).equals(Buffer.from(warpingStandinModel()))).toBe(true);
    const script = await fetch(`${address}vendor/onnxruntime/ort-wasm-simd-threaded.jsep.mjs`);
    expect([script.status, script.headers.get('content-type')]).toEqual([200, 'text/javascript']);

    const { result: missing } = await inPage((onnx, id: string) => onnx.problem(id), 'liveportrait');
    // The same sentence as the CLI's, from the store itself.
    expect(missing).toMatch(/^the graph needs model "liveportrait" .*, which is not in the model store .*; fetch it with: vivify models pull liveportrait/);
    expect(index.problems.liveportrait).toBe(missing);
    // Files in the store that no catalog describes are not a model a graph may use, in the page as in the CLI.
    expect((await inPage((onnx, id: string) => onnx.problem(id), 'standin')).result).toMatch(/^the graph needs model "standin", which the model catalog does not know \(it has liveportrait, /);
  });

  it('runs the rewritten warping stand-in with every node on WebGPU, matching onnxruntime-node on the CPU', async () => {
    const adapter = (await inPage((onnx) => onnx.adapterInfo(), undefined)).result;
    expect(adapter).toMatchObject({ architecture: 'swiftshader' });
    const { result, log: logged } = await inPage((onnx, arg: { ref: ModelRef; inputs: SeededInputs }) => onnx.runOpened('webgpu', arg.ref, arg.inputs), { ref: standin, inputs: warpingStandinInputs });
    expect(result.provider).toBe('webgpu');
    // onnxruntime's own account of the session (verbose log): one provider holds every node, and it is WebGPU's.
    const opening = openingLog(logged);
    expect(opening).toContain('Node placements');
    expect(opening).toMatch(/All nodes placed on \[JsExecutionProvider\]\. Number of nodes: \d+/);
    expect(opening).not.toMatch(/CPUExecutionProvider\]\. Number of nodes/);
    expect(opening).not.toMatch(/kernel not found in registries/);
    expect(maxDifference(result.output, await cpuReference(warpingStandinModel(), warpingStandinInputs))).toBeLessThan(1e-3);
    console.log(`WebGPU (SwiftShader) warping stand-in: session ${result.openMs.toFixed(0)} ms, first run ${result.runMs[0]!.toFixed(0)} ms`);
  }, 300_000);

  it.skipIf(standinsUnavailable !== undefined)('runs the PyTorch-exported LivePortrait warping stand-in on WebGPU with no CPU fallback', async () => {
    const bytes = new Uint8Array(await readFile(join(liveportraitStandins(), exported.file)));
    const { result, log: logged } = await inPage((onnx, arg: { ref: ModelRef; inputs: SeededInputs }) => onnx.runOpened('webgpu', arg.ref, arg.inputs), { ref: exported, inputs: warpingStandinInputs });
    expect(result.provider).toBe('webgpu');
    const opening = openingLog(logged);
    expect(opening).toMatch(/All nodes placed on \[JsExecutionProvider\]\. Number of nodes: \d+/);
    expect(opening).not.toMatch(/CPUExecutionProvider\]\. Number of nodes/);
    expect(opening).not.toMatch(/kernel not found in registries/);
    expect(maxDifference(result.output, await cpuReference(bytes, warpingStandinInputs))).toBeLessThan(1e-3);
    console.log(`WebGPU (SwiftShader) PyTorch warping stand-in: session ${result.openMs.toFixed(0)} ms, first run ${result.runMs[0]!.toFixed(0)} ms`);
  }, 300_000);

  it('without the rewrite, WebGPU has no kernel for the opset-20 5-D GridSample: that node runs on the CPU between copies', async () => {
    const { result, log: logged } = await inPage((onnx, arg: { ref: ModelRef; inputs: SeededInputs }) => onnx.runUnrewritten(arg.ref, arg.inputs), { ref: standin, inputs: warpingStandinInputs });
    const opening = openingLog(logged);
    expect(opening).toMatch(/webgpu kernel not found in registries for Op type: GridSample node name: warped/);
    expect(opening).toMatch(/Node\(s\) placed on \[CPUExecutionProvider\]\. Number of nodes: 1\n.*GridSample \(warped\)/);
    expect(opening).toMatch(/MemcpyToHost/);
    if (!result.ok) throw new Error(result.error);
    expect(maxDifference(result.output, await cpuReference(warpingStandinModel(), warpingStandinInputs))).toBeLessThan(1e-3);
    console.log(`WebGPU (SwiftShader) warping stand-in unrewritten, GridSample on the CPU: session and one run ${result.ms.toFixed(0)} ms`);
  }, 300_000);

  it('without the rewrite, an opset-16 5-D GridSample goes to WebGPU and fails there; rewritten, it runs there', async () => {
    const { result, log: logged } = await inPage((onnx, arg: { ref: ModelRef; inputs: SeededInputs }) => onnx.runUnrewritten(arg.ref, arg.inputs), { ref: opset16, inputs: opset16Inputs });
    expect(openingLog(logged)).toMatch(/All nodes placed on \[JsExecutionProvider\]/);
    expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/only 4-D tensor is supported/i) });

    const rewritten = await inPage((onnx, arg: { ref: ModelRef; inputs: SeededInputs }) => onnx.runOpened('webgpu', arg.ref, arg.inputs), { ref: opset16, inputs: opset16Inputs });
    expect(openingLog(rewritten.log)).toMatch(/All nodes placed on \[JsExecutionProvider\]/);
    expect(maxDifference(rewritten.result.output, await cpuReference(opset16Model(), opset16Inputs))).toBeLessThan(1e-4);
  }, 120_000);

  it('on wasm the graph stays as it is: every node on the CPU provider, 5-D GridSample included', async () => {
    const { result, log: logged } = await inPage((onnx, arg: { ref: ModelRef; inputs: SeededInputs }) => onnx.runOpened('wasm', arg.ref, arg.inputs), { ref: standin, inputs: warpingStandinInputs });
    expect(result.provider).toBe('wasm');
    expect(openingLog(logged)).toMatch(/All nodes placed on \[CPUExecutionProvider\]/);
    expect(maxDifference(result.output, await cpuReference(warpingStandinModel(), warpingStandinInputs))).toBeLessThan(1e-4);
    console.log(`wasm warping stand-in: session ${result.openMs.toFixed(0)} ms, run ${result.runMs[0]!.toFixed(0)} ms`);
  }, 120_000);
});
