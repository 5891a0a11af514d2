import { describe, expect, it } from 'vitest';
import { memoryHost } from '../test/support/test-nodes.ts';
import { runGraph } from './executor.ts';
import { FrameCache } from './frame-cache.ts';
import type { GraphDocument } from './graph/document.ts';
import type { RgbaImage } from './image.ts';
import { defineNode, input, output } from './node-definition.ts';
import { integer } from './params.ts';
import { NodeRegistry } from './registry.ts';

describe('the frame cache', () => {
  it('keeps small entries (landmarks) while big ones (frames) come and go', () => {
    const cache = new FrameCache(10_000, 100, 1_000);
    cache.set('small#0', { face: new Float32Array(4) });
    for (let index = 0; index < 20; index++) cache.set(`big#${index}`, { frame: new Uint8Array(2_000) });
    expect(cache.has('small#0')).toBe(true);
    // The big pool (9,000 bytes) holds the last four frames.
    expect([...Array(20).keys()].filter((index) => cache.has(`big#${index}`))).toEqual([16, 17, 18, 19]);
    expect(cache.bytes).toBeLessThanOrEqual(10_000);
    // A read keeps an entry: the least recently used goes first.
    cache.get('big#16');
    cache.set('big#20', { frame: new Uint8Array(2_000) });
    expect([16, 17, 20].map((index) => cache.has(`big#${index}`))).toEqual([true, false, true]);
  });
});

/** A driver of big frames, a landmarker of small results, and a method that looks over every landmark first. */
function nodes() {
  const stats = { frameReads: [] as number[], marks: 0, scanned: 0 };
  const pixels = 64 * 64 * 4;
  const frames = defineNode({
    type: 'frames',
    version: 1,
    title: 'Frames',
    category: 'source',
    description: 'Big frames whose first byte is their index.',
    inputs: {},
    outputs: { frames: output('frame', 'frames') },
    params: {},
    async prepare(ctx) {
      return { next: ctx.settings.frames.start, end: ctx.settings.frames.end ?? 40 };
    },
    timeline: (state) => ({ frameCount: state.end - state.next, fps: 25 }),
    async run(_ctx, _inputs, state) {
      const index = state.next++;
      stats.frameReads.push(index);
      const data = new Uint8Array(pixels);
      data[0] = index;
      return { frames: { width: 64, height: 64, data } satisfies RgbaImage };
    },
  });
  const mark = defineNode({
    type: 'mark',
    version: 1,
    title: 'Mark',
    category: 'analysis',
    description: 'A small result per frame, as landmarks are.',
    inputs: { frames: input('frame', 'frames') },
    outputs: { image: output('frame', 'one pixel') },
    params: {},
    async run(_ctx, inputs) {
      stats.marks++;
      return { image: { width: 1, height: 1, data: Uint8Array.of(inputs.frames.data[0]!) } satisfies RgbaImage };
    },
  });
  const look = defineNode({
    type: 'look',
    version: 1,
    title: 'Look',
    category: 'method',
    description: 'Rendering one frame, looks over every mark first (as a reference pick does); stamps frames.',
    inputs: { frames: input('frame', 'frames'), marks: input('frame', 'marks') },
    outputs: { frames: output('frame', 'stamped frames') },
    params: { stamp: integer(1, { min: 0, max: 255, help: 'the second byte' }) },
    scan: {
      input: 'marks',
      wanted: (_params, run) => run.singleFrame,
      visit: () => void stats.scanned++,
    },
    async run(ctx, inputs) {
      const data = Uint8Array.from(inputs.frames.data);
      data[1] = ctx.params.stamp;
      return { frames: { width: 64, height: 64, data } satisfies RgbaImage };
    },
  });
  return { registry: new NodeRegistry([frames, mark, look]), stats };
}

function graph(stamp: number): GraphDocument {
  return {
    format: 'vivify.graph',
    version: 1,
    meta: {},
    nodes: {
      drive: { type: 'frames', typeVersion: 1, params: {} },
      face: { type: 'mark', typeVersion: 1, params: {} },
      method: { type: 'look', typeVersion: 1, params: { stamp } },
    },
    edges: [
      { from: ['drive', 'frames'], to: ['face', 'frames'] },
      { from: ['drive', 'frames'], to: ['method', 'frames'] },
      { from: ['face', 'image'], to: ['method', 'marks'] },
    ],
    inputs: {},
    models: [],
  };
}

describe('a redraw after a long preview (runGraph with a frame cache, one frame)', () => {
  it('reads the landmarks of every frame from the cache, and decodes at most the one frame shown', async () => {
    const { registry, stats } = nodes();
    // Room for the marks of every frame, and for the big frames of the last few only.
    const frameCache = new FrameCache(200_000, 1_000, 64_000);
    const settings = { frames: { start: 0, end: 40 } };
    const shown: number[] = [];
    const onOutputs = (nodeId: string, _frame: number | undefined, outputs: Readonly<Record<string, unknown>>) => {
      if (nodeId === 'method') shown.push((outputs.frames as RgbaImage).data[1]!);
    };
    await runGraph(graph(1), { registry, host: memoryHost, frameCache, settings, targets: ['method'] });
    expect([stats.frameReads.length, stats.marks, stats.scanned]).toEqual([40, 40, 0]);

    // The last frame: its driver frame is still cached; the look over the driver reads the cached marks.
    await runGraph(graph(2), { registry, host: memoryHost, frameCache, settings, targets: ['method'], renderOnly: 39, onOutputs });
    expect([stats.frameReads.length, stats.marks, stats.scanned, shown]).toEqual([40, 40, 40, [2]]);

    // An early frame, whose driver frame went long ago: that one frame is decoded; nothing else runs again.
    await runGraph(graph(3), { registry, host: memoryHost, frameCache, settings, targets: ['method'], renderOnly: 5, onOutputs });
    expect([stats.frameReads.slice(40), stats.marks, stats.scanned, shown]).toEqual([[5], 40, 80, [2, 3]]);
  });
});
