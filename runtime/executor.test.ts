import { describe, expect, it } from 'vitest';
import { createTestNodes, memoryHost } from '../test/support/test-nodes.ts';
import { CancelledError, NodeRunError } from './errors.ts';
import { type RunProgress, runGraph } from './executor.ts';
import type { GraphDocument } from './graph/document.ts';
import { FrameCache } from './frame-cache.ts';
import { defineNode, output } from './node-definition.ts';
import { ResultCache } from './result-cache.ts';

function pipeline(frames: number, amount = 1, still = 5, failAt = -1): GraphDocument {
  return {
    format: 'vivify.graph',
    version: 1,
    meta: {},
    nodes: {
      count: { type: 'counter', typeVersion: 1, params: { frames, failAt } },
      still: { type: 'still', typeVersion: 1, params: { value: still } },
      shift: { type: 'offset', typeVersion: 2, params: { amount } },
      end: { type: 'sink', typeVersion: 1, params: {} },
    },
    edges: [
      { from: ['count', 'frames'], to: ['shift', 'frames'] },
      { from: ['still', 'image'], to: ['shift', 'image'] },
      { from: ['shift', 'frames'], to: ['end', 'frames'] },
    ],
    inputs: {},
    models: [],
  };
}

describe('runGraph', () => {
  it('streams every frame through the graph in order, with the static input computed once', async () => {
    const { registry, stats } = createTestNodes();
    const summary = await runGraph(pipeline(40, 2, 5), { registry, host: memoryHost });
    expect(stats.sunk).toEqual(Array.from({ length: 40 }, (_, i) => i + 256 * 7));
    expect(stats.staticRuns).toBe(1);
    expect(summary).toMatchObject({ frames: 40, timeline: { frameCount: 40, fps: 25 }, executionProvider: 'cpu' });
    expect(stats.closed).toEqual(['sink:done', 'counter']);
    expect(Object.keys(summary.nodeSeconds).sort()).toEqual(['count', 'end', 'shift', 'still']);
    expect(summary.nodeSeconds.shift).toBeGreaterThan(0);
  });

  it('keeps a bounded number of frames in flight, and overlaps them', async () => {
    const { registry, stats } = createTestNodes();
    await runGraph(pipeline(300), { registry, host: memoryHost, maxInFlight: 3 });
    expect(stats.maxInFlight).toBeLessThanOrEqual(3);
    expect(stats.maxInFlight).toBeGreaterThan(1);
  });

  it('reuses cached static results and recomputes only what changed', async () => {
    const { registry, stats } = createTestNodes();
    const cache = new ResultCache();
    await runGraph(pipeline(3, 1, 5), { registry, host: memoryHost, cache });
    const again = await runGraph(pipeline(3, 2, 5), { registry, host: memoryHost, cache });
    expect(stats.staticRuns).toBe(1);
    expect(again.cachedNodes).toEqual(['still']);
    expect(stats.sunk.slice(3)).toEqual([0, 1, 2].map((i) => i + 256 * 7));
    await runGraph(pipeline(3, 2, 9), { registry, host: memoryHost, cache });
    expect(stats.staticRuns).toBe(2);
  });

  it('waits for what onOutputs returns before a frame goes on, so slow work there holds the stream back', async () => {
    const { registry, stats } = createTestNodes();
    let writing = 0;
    let mostWriting = 0;
    await runGraph(pipeline(20), {
      registry,
      host: memoryHost,
      maxInFlight: 2,
      async onOutputs(nodeId, frame) {
        if (nodeId !== 'shift' || frame === undefined) return;
        mostWriting = Math.max(mostWriting, ++writing);
        await new Promise((resolve) => setTimeout(resolve, 10));
        writing--;
      },
    });
    // Every frame reached the sink, and no more frames were held in onOutputs than may be in flight.
    expect(stats.sunk).toHaveLength(20);
    expect(mostWriting).toBeGreaterThan(0);
    expect(mostWriting).toBeLessThanOrEqual(2);
  });

  it('reports progress with frames, speed and time left', async () => {
    const { registry } = createTestNodes();
    const events: RunProgress[] = [];
    await runGraph(pipeline(10), { registry, host: memoryHost, onProgress: (p) => events.push(p) });
    expect(events.map((e) => e.frame)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(events.every((e) => e.total === 10 && e.fps > 0)).toBe(true);
    expect(events.at(-1)?.etaSeconds).toBe(0);
  });

  it('stops when its signal aborts, closing every node as cancelled', async () => {
    const { registry, stats } = createTestNodes();
    const controller = new AbortController();
    const run = runGraph(pipeline(100_000), {
      registry,
      host: memoryHost,
      signal: controller.signal,
      onProgress: (p) => p.frame === 5 && controller.abort(),
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(stats.sourceFrames).toBeLessThan(20);
    expect(stats.closed).toEqual(['sink:cancelled', 'counter']);
  });

  it('ends at once on abort even while a node waits on work that never settles (a read that blocks)', async () => {
    const { registry } = createTestNodes();
    registry.register(
      defineNode({
        type: 'stuck',
        version: 1,
        title: 'Stuck',
        category: 'source',
        description: 'A still whose read never returns.',
        inputs: {},
        outputs: { image: output('image', 'never') },
        params: {},
        run: () => new Promise<never>(() => undefined),
      }),
    );
    const document = pipeline(3);
    document.nodes.still = { type: 'stuck', typeVersion: 1, params: {} };
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = performance.now();
    await expect(runGraph(document, { registry, host: memoryHost, signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('runs only the nodes that feed an output, and says which did not run', async () => {
    const { registry, stats } = createTestNodes();
    const document = pipeline(3);
    document.nodes.lonely = { type: 'still', typeVersion: 1, params: { value: 9 } };
    document.nodes.extra = { type: 'offset', typeVersion: 2, params: {} };
    document.edges.push({ from: ['count', 'frames'], to: ['extra', 'frames'] });
    const summary = await runGraph(document, { registry, host: memoryHost });
    expect(stats.staticRuns).toBe(1);
    expect(stats.sunk).toHaveLength(3);
    expect(summary.nodeSeconds).not.toHaveProperty('lonely');
    expect(summary.nodeSeconds).not.toHaveProperty('extra');
    expect(summary.warnings.map((w) => w.message)).toEqual(['2 nodes feed no output and did not run: lonely, extra']);
  });

  it('names the node and the frame where a node fails', async () => {
    const { registry, stats } = createTestNodes();
    const run = runGraph(pipeline(50, 1, 5, 7), { registry, host: memoryHost });
    await expect(run).rejects.toThrow(new NodeRunError('count', 'counter', 7, new Error('boom')));
    await expect(run).rejects.toMatchObject({ message: 'node "count" (counter) failed at frame 7: boom', nodeId: 'count', frameIndex: 7 });
    expect(stats.closed).toEqual(['sink:failed', 'counter']);
  });

  it('runs only the requested frames and passes on warnings', async () => {
    const { registry, stats } = createTestNodes();
    const summary = await runGraph(pipeline(10), { registry, host: memoryHost, settings: { frames: { start: 2, end: 5 } } });
    expect(summary.frames).toBe(3);
    expect(stats.sunk.map((value) => value % 256)).toEqual([2, 3, 4]);
    expect(summary.warnings).toEqual([{ nodeId: 'end', message: 'frame 3 seen' }]);
  });
});

describe('runGraph scan pass', () => {
  function scanned(frames: number, upTo: number): GraphDocument {
    const document = pipeline(frames);
    document.nodes.look = { type: 'scanner', typeVersion: 1, params: { upTo } };
    document.edges = [
      { from: ['count', 'frames'], to: ['shift', 'frames'] },
      { from: ['shift', 'frames'], to: ['look', 'frames'] },
      { from: ['look', 'frames'], to: ['end', 'frames'] },
    ];
    return document;
  }

  it('shows a node its input over every frame before the first frame runs, then renders from the start', async () => {
    const { registry, stats } = createTestNodes();
    const events: RunProgress[] = [];
    const summary = await runGraph(scanned(6, -1), { registry, host: memoryHost, onProgress: (p) => events.push(p) });
    expect(stats.scanned).toEqual([0, 1, 2, 3, 4, 5]);
    expect(stats.scannedAtFirstRun).toBe(6);
    expect(stats.sunk.map((value) => value % 256)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(summary.frames).toBe(6);
    expect(events.filter((e) => e.pass === 'scan').map((e) => e.frame)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(events.filter((e) => e.pass === 'render')).toHaveLength(6);
    // The scan's own copy of the source is closed as well as the render's.
    expect(stats.closed).toEqual(['counter', 'sink:done', 'counter']);
  });

  it('ends the scan early when the node has seen enough', async () => {
    const { registry, stats } = createTestNodes();
    await runGraph(scanned(100, 2), { registry, host: memoryHost });
    expect(stats.scanned).toEqual([0, 1, 2]);
    expect(stats.sunk).toHaveLength(100);
  });
});

describe('runGraph with a frame cache and single frames', () => {
  it('serves unchanged nodes from the frame cache: the source is not read again, only what changed runs', async () => {
    const { registry, stats } = createTestNodes();
    const frameCache = new FrameCache();
    const settings = { frames: { start: 0, end: 10 } };
    await runGraph(pipeline(10, 1), { registry, host: memoryHost, frameCache, settings });
    expect(stats.sourceFrames).toBe(10);
    const again = await runGraph(pipeline(10, 1), { registry, host: memoryHost, frameCache, settings });
    expect(stats.sourceFrames).toBe(10);
    expect(again.frames).toBe(10);
    // The sink has no outputs: it runs every time, and sees the same frames.
    expect(stats.sunk.slice(10)).toEqual(stats.sunk.slice(0, 10));
    await runGraph(pipeline(10, 2), { registry, host: memoryHost, frameCache, settings });
    expect(stats.sourceFrames).toBe(10);
    expect(stats.sunk.slice(20)).toEqual(stats.sunk.slice(0, 10).map((value) => value + 256));
  });

  it('renders one frame of a range, from the cache or by starting the source there', async () => {
    const { registry, stats } = createTestNodes();
    const settings = { frames: { start: 0, end: 10 } };
    await runGraph(pipeline(10, 1), { registry, host: memoryHost, settings, renderOnly: 6 });
    expect(stats.sunk.map((value) => value % 256)).toEqual([6]);
    expect(stats.sourceFrames).toBe(1);
    const frameCache = new FrameCache();
    await runGraph(pipeline(10, 1), { registry, host: memoryHost, frameCache, settings });
    const summary = await runGraph(pipeline(10, 3), { registry, host: memoryHost, frameCache, settings, renderOnly: 4 });
    expect(summary.frames).toBe(1);
    expect(stats.sourceFrames).toBe(11);
    expect(stats.sunk.at(-1)).toBe(4 + 256 * (3 + 5));
  });

  it('still scans the whole range when rendering one frame', async () => {
    const { registry, stats } = createTestNodes();
    const document = pipeline(8);
    delete document.nodes.shift;
    document.nodes.look = { type: 'scanner', typeVersion: 1, params: {} };
    document.edges = [
      { from: ['count', 'frames'], to: ['look', 'frames'] },
      { from: ['look', 'frames'], to: ['end', 'frames'] },
    ];
    await runGraph(document, { registry, host: memoryHost, settings: { frames: { start: 0, end: 8 } }, renderOnly: 5 });
    expect(stats.scanned).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(stats.sunk.map((value) => value % 256)).toEqual([5]);
  });
});
