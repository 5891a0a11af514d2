import { defineNode, input, optionalInput, output } from '../../runtime/node-definition.ts';
import type { Host } from '../../runtime/host.ts';
import { integer, number } from '../../runtime/params.ts';
import { NodeRegistry } from '../../runtime/registry.ts';
import type { RgbaImage } from '../../runtime/image.ts';

/**
 * Small in-memory nodes for executor and validation tests: a counting frame source, a frame transform, a static
 * image and a sink that records what reaches it. `stats` counts calls so tests can see what ran.
 */
export function createTestNodes() {
  const stats = {
    staticRuns: 0,
    sourceFrames: 0,
    inFlight: 0,
    maxInFlight: 0,
    sunk: [] as number[],
    closed: [] as string[],
    /** Frame values the scanning node saw before its first frame, and how many it had seen when that frame ran. */
    scanned: [] as number[],
    scannedAtFirstRun: -1,
  };

  const counter = defineNode({
    type: 'counter',
    version: 1,
    title: 'Counter',
    category: 'source',
    description: 'Frames whose first byte is the frame index.',
    inputs: {},
    outputs: { frames: output('frame', 'numbered frames') },
    params: {
      frames: integer(10, { min: 1, max: 1_000_000, help: 'how many frames' }),
      failAt: integer(-1, { min: -1, max: 1_000_000, help: 'frame index that throws, -1 for none' }),
    },
    async prepare(ctx) {
      return { next: ctx.settings.frames.start, end: Math.min(ctx.settings.frames.end ?? ctx.params.frames, ctx.params.frames) };
    },
    timeline: (state) => ({ frameCount: state.end - state.next, fps: 25 }),
    async run(ctx, _inputs, state) {
      const index = state.next++;
      if (index === ctx.params.failAt) throw new Error('boom');
      stats.sourceFrames++;
      stats.inFlight++;
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
      return { frames: { width: 1, height: 1, data: Uint8Array.of(index % 256, 0, 0, 255) } };
    },
    async close() {
      stats.closed.push('counter');
    },
  });

  const offset = defineNode({
    type: 'offset',
    version: 2,
    title: 'Offset',
    category: 'utility',
    description: 'Adds to the second byte of each frame; adds the static image too where one is connected.',
    inputs: { frames: input('frame', 'frames'), image: optionalInput('image', 'a still whose first byte is added') },
    outputs: { frames: output('frame', 'offset frames') },
    params: { amount: number(1, { min: -10, max: 10, help: 'how much to add' }) },
    // Version 1 called the parameter "delta".
    migrations: { 1: ({ delta, ...rest }) => ({ ...rest, ...(delta === undefined ? {} : { amount: delta }) }) },
    async run(ctx, inputs) {
      // Yield so neighbouring frames can overlap, as real asynchronous work does.
      await new Promise((resolve) => setTimeout(resolve, 1));
      const data = Uint8Array.from(inputs.frames.data);
      data[1] = data[1]! + ctx.params.amount + (inputs.image?.data[0] ?? 0);
      return { frames: { ...inputs.frames, data } };
    },
  });

  const still = defineNode({
    type: 'still',
    version: 1,
    title: 'Still',
    category: 'source',
    description: 'A 1x1 image of a given value, computed once.',
    inputs: {},
    outputs: { image: output('image', 'the still') },
    params: { value: integer(5, { min: 0, max: 255, help: 'its first byte' }) },
    async run(ctx) {
      stats.staticRuns++;
      return { image: { width: 1, height: 1, data: Uint8Array.of(ctx.params.value, 0, 0, 255) } satisfies RgbaImage };
    },
  });

  const sink = defineNode({
    type: 'sink',
    version: 1,
    title: 'Sink',
    category: 'output',
    description: 'Records the frames it receives.',
    inputs: { frames: input('frame', 'frames') },
    outputs: {},
    params: {},
    async run(ctx, inputs) {
      ctx.signal.throwIfAborted();
      stats.inFlight--;
      stats.sunk.push(inputs.frames.data[0]! + 256 * inputs.frames.data[1]!);
      if (inputs.frames.data[0] === 3) ctx.warn('frame 3 seen');
      return {};
    },
    async close(_state, outcome) {
      stats.closed.push(`sink:${outcome}`);
    },
  });

  const scanner = defineNode({
    type: 'scanner',
    version: 1,
    title: 'Scanner',
    category: 'utility',
    description: 'Passes frames on; before the first, scans its input up to a given frame.',
    inputs: { frames: input('frame', 'frames') },
    outputs: { frames: output('frame', 'the same frames') },
    params: { upTo: integer(-1, { min: -1, max: 1_000_000, help: 'last frame to scan; -1 for all' }) },
    scan: {
      input: 'frames',
      wanted: () => true,
      visit(ctx, value) {
        stats.scanned.push((value as RgbaImage).data[0]!);
        return ctx.frame!.index === ctx.params.upTo ? 'enough' : undefined;
      },
    },
    async run(_ctx, inputs) {
      if (stats.scannedAtFirstRun < 0) stats.scannedAtFirstRun = stats.scanned.length;
      return { frames: inputs.frames };
    },
  });

  const registry = new NodeRegistry([counter, offset, still, sink, scanner]);
  return { registry, stats };
}

/** The executor tests' nodes touch no media: a host that says so if they ever do. */
export const memoryHost: Host = {
  name: 'test',
  executionProvider: 'cpu',
  readImage: () => Promise.reject(new Error('no files in memory tests')),
  openVideo: () => Promise.reject(new Error('no files in memory tests')),
  checkOutputPath: async () => undefined,
  createVideoWriter: () => Promise.reject(new Error('no files in memory tests')),
  fileIdentity: async (path) => path,
  createFaceDetector: () => Promise.reject(new Error('no landmarker in memory tests')),
  modelProblem: async (model) => ({ model, message: `no model ${model} in memory tests`, remedy: 'unknown' }),
  openModel: () => Promise.reject(new Error('no models in memory tests')),
};
