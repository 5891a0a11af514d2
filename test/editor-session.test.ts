import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { GraphRunner } from '../editor/runner/graph-runner.ts';
import { createLocalRunner } from '../editor/runner/local-runner.ts';
import { createEditorSession } from '../editor/session/editor-session.ts';
import type { RecentGraph } from '../editor/state/recent-graphs.ts';
import { graphFromLink } from '../editor/state/share-link.ts';
import { createRegistry } from '../nodes/index.ts';
import type { RgbaImage } from '../runtime/image.ts';
import { defineNode, input, output } from '../runtime/node-definition.ts';
import type { NodeRegistry } from '../runtime/registry.ts';
import { createNodeHost } from '../runtime/node/node-host.ts';
import { hasSharedMedia, listFiles, makeClip, makeTempDir, probeFile, repoRoot, sharedMedia } from '../support/cli.ts';

/*
 * The editor's session driven without a page: the same session the page renders, over the Node host instead of the
 * browser's. (It lives in test/ rather than beside the session because the layers keep editor code, its tests
 * included, off the Node host.) What the viewer would show, and what would be downloaded or copied, is recorded.
 */

let dir: { path: string; remove: () => Promise<void> };
let clip: string;
let longClip: string;
let picture: string;
const workingFolder = process.cwd();

beforeAll(async () => {
  dir = await makeTempDir();
  clip = await makeClip(join(dir.path, 'talk.mp4'), { frames: 12, fps: 24 });
  longClip = await makeClip(join(dir.path, 'long.mp4'), { frames: 600, fps: 30, width: 320, height: 240 });
  picture = join(dir.path, 'painting.png');
  await sharp({ create: { width: 64, height: 48, channels: 3, background: '#a06040' } }).png().toFile(picture);
  // The Node host writes an export where its name says, relative to the working folder: the test's own folder.
  process.chdir(dir.path);
});
afterAll(async () => {
  process.chdir(workingFolder);
  await dir?.remove();
});

/** Where each file given to a session lies: in Node, what its file parameter holds. */
const paths = new WeakMap<File, string>();
/** A file the user gives, as the page gets it: its bytes under its name. */
async function fileOf(path: string, type = ''): Promise<File> {
  const file = new File([await readFile(path)], basename(path), { type });
  paths.set(file, path);
  return file;
}
const presetText = (name: string) => readFile(join(repoRoot, 'presets', `${name}.json`), 'utf8');

/** A session over the Node host, recording what it would show and hand out; runs go to `runner` where given. */
function nodeSession(options: { registry?: NodeRegistry; runner?: GraphRunner } = {}) {
  const viewer = { frames: [] as RgbaImage[], insets: [] as (RgbaImage | undefined)[], before: [] as (RgbaImage | undefined)[], cleared: 0 };
  const downloads: { name: string; blob: Blob }[] = [];
  const copied: string[] = [];
  let remembered: RecentGraph[] = [];
  const session = createEditorSession({
    registry: options.registry ?? createRegistry(),
    host: createNodeHost(),
    runner: options.runner,
    // On disk a file parameter holds a path (of a file given), and exports are written to the working folder.
    files: { add: (file) => paths.get(file)!, get: (name) => new Blob([readFileSync(resolve(name))]) },
    // IndexedDB's stand-in: a list, newest first, where a graph of the same title gives way.
    recent: {
      list: async () => remembered,
      remember: async (document) => {
        const title = document.meta.title || 'Untitled graph';
        remembered = [{ title, savedAt: Date.now(), document }, ...remembered.filter((entry) => entry.title !== title)];
        return remembered;
      },
    },
    viewer: {
      show: (frame) => viewer.frames.push(frame),
      setInset: (image) => viewer.insets.push(image),
      setBefore: (image) => viewer.before.push(image),
      clear: () => viewer.cleared++,
    },
    download: (name, blob) => downloads.push({ name, blob }),
    copy: (text) => copied.push(text),
  });
  return { session, viewer, downloads, copied };
}

describe('the editor session (Node host, made media)', () => {
  it('previews frames, showing each as it is made, with progress and a message', async () => {
    const { session, viewer } = nodeSession();
    session.openText('passthrough.json', await presetText('passthrough'));
    session.setInputFile('driving', await fileOf(clip, 'video/mp4'));
    expect(session.store.document().nodes.drive!.params.path).toBe(clip);
    session.setFrameCount(4);
    const running = session.preview();
    expect(session.previewing()).toBe(true);
    await running;
    expect(session.previewing()).toBe(false);
    expect(session.message()).toBe('previewed 4 frames');
    expect(session.framesMade()).toBe(4);
    expect(session.framesReady()).toBe(4);
    expect(session.shownFrame()).toBe(3);
    expect(session.progress()).toMatchObject({ frame: 4, total: 4 });
    expect(session.progress().fps).toBeGreaterThan(0);
    expect(viewer.frames.map((frame) => [frame.width, frame.height])).toEqual(Array(4).fill([160, 120]));
    expect(viewer.frames[3]).toBe(session.frame(3));
    // A driver with no landmarker and no still picture: no inset, no before picture.
    expect(viewer.insets.every((inset) => inset === undefined)).toBe(true);
    expect(viewer.before).toEqual([]);

    // Scrubbing to a frame of the same document shows it as made; a broken input is said in the message.
    await session.scrub(1);
    expect([session.shownFrame(), viewer.frames.at(-1)]).toEqual([1, session.frame(1)]);
    session.store.setParam('drive', 'path', join(dir.path, 'missing.mp4'));
    await session.preview();
    expect(session.message()).toMatch(/missing\.mp4/);
  });

  it('gives way to a newer preview: the older one stops and leaves no frame or message of its own', async () => {
    const { session, viewer } = nodeSession();
    session.openText('passthrough.json', await presetText('passthrough'));
    session.setInputFile('driving', await fileOf(longClip, 'video/mp4'));
    session.setFrameCount(600);
    const older = session.preview();
    await vi.waitUntil(() => session.progress().frame >= 2, { timeout: 30_000, interval: 5 });
    // Restarted with another driver (160x120, where the older one's frames are 320x240).
    session.setInputFile('driving', await fileOf(clip, 'video/mp4'));
    session.setFrameCount(3);
    const shownBefore = viewer.frames.length;
    const newer = session.preview();
    await Promise.all([older, newer]);
    expect(session.message()).toBe('previewed 3 frames');
    expect(session.framesMade()).toBe(3);
    expect([0, 1, 2].map((index) => session.frame(index)!.width)).toEqual([160, 160, 160]);
    expect(viewer.frames.slice(shownBefore).map((frame) => frame.width)).toEqual([160, 160, 160]);
    expect(session.progress()).toMatchObject({ frame: 3, total: 3 });
    expect(session.previewing()).toBe(false);
  });

  // A driver served whole from the frame cache once took the cached timeline's frame count: the longer range's.
  it('a shorter preview after a longer one makes only the frames asked', async () => {
    const { session } = nodeSession();
    session.openText('passthrough.json', await presetText('passthrough'));
    session.setInputFile('driving', await fileOf(clip, 'video/mp4'));
    session.setFrameCount(8);
    await session.preview();
    session.setFrameCount(3);
    await session.preview();
    expect([session.message(), session.framesMade()]).toEqual(['previewed 3 frames', 3]);
  });

  it('exports an MP4 through the download it was given, and a cancelled export writes nothing', async () => {
    const { session, downloads } = nodeSession();
    session.openText('passthrough.json', await presetText('passthrough'));
    session.setInputFile('driving', await fileOf(longClip, 'video/mp4'));

    const cancelled = session.exportVideo();
    expect(session.exporting()).toBe(true);
    await vi.waitUntil(() => session.exportProgress().startsWith('exporting'), { timeout: 30_000, interval: 5 });
    session.cancelExport();
    await cancelled;
    expect(session.message()).toBe('export cancelled; nothing was written');
    expect([session.exporting(), session.exportProgress(), downloads.length]).toEqual([false, '', 0]);
    expect((await listFiles(dir.path)).filter((name) => name.includes('passthrough'))).toEqual([]);

    // The preview's range only: five frames, with the driver's audio.
    session.setInputFile('driving', await fileOf(clip, 'video/mp4'));
    session.setFrameCount(5);
    session.setExportPreviewRange(true);
    await session.exportVideo();
    expect(session.message()).toMatch(/^exported passthrough\.mp4: 5 frames in [\d.]+ s$/);
    expect(downloads.map((download) => download.name)).toEqual(['passthrough.mp4']);
    const saved = join(dir.path, 'downloaded.mp4');
    await writeFile(saved, Buffer.from(await downloads[0]!.blob.arrayBuffer()));
    expect(await probeFile(saved)).toMatchObject({ videoFrames: 5, fps: '24/1', width: 160, height: 120, audio: true });
  });

  it('copies the vivify render line, saves, and shares a link that opens the same graph', async () => {
    const { session, copied, downloads } = nodeSession();
    session.openText('animate-painting.json', await presetText('animate-painting'));
    expect(session.message()).toBe('opened animate-painting.json');
    session.setInputFile('source', await fileOf(picture, 'image/png'));
    session.setInputFile('driving', await fileOf(clip, 'video/mp4'));
    session.setExportPreviewRange(true);
    const line = session.copyCommand();
    expect(line).toBe(`npx vivify render animate-a-painting.json --source ${picture} --driving ${clip} -o animate-a-painting.mp4 --frames 0:30`);
    expect([session.command(), copied, session.message()]).toEqual([line, [line], 'CLI command copied']);

    await session.save();
    expect(downloads.map((download) => download.name)).toEqual(['animate-a-painting.json']);
    expect(JSON.parse(await downloads[0]!.blob.text())).toEqual(session.store.document());
    expect(session.recent().map((entry) => entry.title)).toEqual(['Animate a painting']);

    const link = session.share('http://127.0.0.1:5180/');
    expect(link.startsWith('http://127.0.0.1:5180/#graph=')).toBe(true);
    expect([session.shared(), copied.at(-1), session.message()]).toEqual([link, link, 'share link copied']);
    expect(JSON.parse(graphFromLink(new URL(link).hash)!)).toEqual(session.store.document());
    const other = nodeSession().session;
    other.openLink(new URL(link).hash);
    expect([other.store.document(), other.message()]).toEqual([session.store.document(), 'opened the shared graph']);
    other.openLink('');
    expect(other.message()).toBe('opened the shared graph');
  });

  it('puts dropped pictures and videos on the inputs that take them, and opens a dropped graph', async () => {
    const { session } = nodeSession();
    session.openText('animate-painting.json', await presetText('animate-painting'));
    const param = (node: string) => session.store.document().nodes[node]!.params.path;
    // Dropped on the driver, a picture still goes to the graph's picture input.
    await session.drop([await fileOf(picture, 'image/png'), await fileOf(clip, 'video/mp4')], 'drive');
    expect([param('paint'), param('drive')]).toEqual([picture, clip]);
    expect(session.message()).toBe('talk.mp4 → drive.path');
    await session.drop([new File(['notes'], 'notes.txt', { type: 'text/plain' })], undefined);
    expect(session.message()).toBe('notes.txt: not a picture or video this graph takes');

    await session.drop([await fileOf(join(repoRoot, 'presets', 'passthrough.json'), 'application/json')], undefined);
    expect([session.store.document().meta.title, session.message()]).toEqual(['Passthrough', 'opened passthrough.json']);
    const broken = (await presetText('animate-painting')).replace('"smoothing": false', '"smoothing": "yes"');
    await session.drop([new File([broken], 'broken.json')], undefined);
    expect(session.message()).toBe('broken.json: 1 problem(s), listed on their nodes');
    expect(session.graphInputs().map(([name, target]) => `${name}=${target}`)).toEqual(['source=paint.path', 'driving=drive.path']);
  });
});

if (!hasSharedMedia) console.warn('[vivify tests] skipping the editor session on a painting: ../shared/media is absent (a real face is needed)');

describe.skipIf(!hasSharedMedia)('the editor session on a painting (Node host, shared media)', () => {
  it('redraws only the shown frame after an edit, shows the painting before and the driver inset', async () => {
    const { session, viewer } = nodeSession();
    session.openText('animate-painting.json', await presetText('animate-painting'));
    // Half size: a bounded test, still a clear face.
    const painting = join(dir.path, 's9-half.png');
    await sharp(sharedMedia('source/s9.jpg')).resize(360).png().toFile(painting);
    session.setInputFile('source', await fileOf(painting, 'image/png'));
    session.setInputFile('driving', await fileOf(sharedMedia('driving/d18.mp4'), 'video/mp4'));
    session.setFrameCount(3);
    await session.preview();
    expect(session.message()).toBe('previewed 3 frames');
    const made = [0, 1, 2].map((index) => session.frame(index)!);
    expect([made[0]!.width, made[0]!.height]).toEqual([360, 640]);
    expect(viewer.before.at(-1)).toMatchObject({ width: 360, height: 640 });
    expect(session.refreshMs()).toBeUndefined();

    // The landmark inset: the driver's frame with its mesh, for the shown frame.
    session.setOverlay(true);
    expect(viewer.insets.at(-1)).toMatchObject({ width: 480, height: 480 });
    session.setOverlay(false);
    expect(viewer.insets.at(-1)).toBeUndefined();

    const shown = viewer.frames.length;
    session.store.setParam('f2f', 'expression', 2);
    await session.refresh();
    expect(session.refreshMs()).toBeGreaterThan(0);
    expect(viewer.frames.length).toBe(shown + 1);
    expect(session.frame(2)).not.toBe(made[2]);
    expect(viewer.frames.at(-1)).toBe(session.frame(2));
    expect(Buffer.from(session.frame(2)!.data).equals(Buffer.from(made[2]!.data))).toBe(false);
    expect(session.frame(0)).toBe(made[0]);
    expect(session.frame(1)).toBe(made[1]);

    // A frame made before the edit is made again when scrubbed to.
    await session.scrub(0);
    expect(session.frame(0)).not.toBe(made[0]);
    expect(viewer.frames.at(-1)).toBe(session.frame(0));
    await session.scrub(2);
    expect(viewer.frames.at(-1)).toBe(session.frame(2));
  }, 180_000);
});

/** The local runner over the Node host, with every call and event it passes on recorded. */
function recordingRunner(registry: NodeRegistry) {
  const inner = createLocalRunner({ registry, host: createNodeHost() });
  const calls: string[] = [];
  const events: { working: string[][]; etas: (number | undefined)[]; frames: number[] } = { working: [], etas: [], frames: [] };
  const runner: GraphRunner = {
    preview(document, request, on, signal) {
      calls.push(request.only === undefined ? 'preview' : `redraw ${request.only}`);
      return inner.preview(document, request, {
        ...on,
        frame(index, frame) {
          events.frames.push(index);
          on.frame(index, frame);
        },
        progress(progress) {
          events.etas.push(progress.etaSeconds);
          on.progress?.(progress);
        },
        working(nodes) {
          events.working.push([...nodes]);
          on.working?.(nodes);
        },
      }, signal);
    },
    exportVideo(document, request, on, signal) {
      calls.push('export');
      return inner.exportVideo(document, request, on, signal);
    },
  };
  return { runner, calls, events };
}

/** A node with a bug: it reads a property of nothing, as a graph with an unconnected input once did. */
const buggy = defineNode({
  type: 'buggy',
  version: 1,
  title: 'Buggy',
  category: 'utility',
  description: 'Fails on every frame with a TypeError.',
  inputs: { frames: input('frame', 'frames') },
  outputs: { frames: output('frame', 'never made') },
  params: {},
  async run(_ctx, inputs) {
    const missing = (inputs as unknown as { mask?: RgbaImage }).mask;
    return { frames: { ...inputs.frames, data: missing!.data } };
  },
});

describe('the editor session: runs through a runner, refuse graphs with problems, and say failures plainly', () => {
  it('runs through the runner it is given: frames as they are made, progress with the time left, the nodes working', async () => {
    const { runner, calls, events } = recordingRunner(createRegistry());
    const { session } = nodeSession({ runner });
    session.openText('passthrough.json', await presetText('passthrough'));
    session.setInputFile('driving', await fileOf(clip, 'video/mp4'));
    session.setFrameCount(6);
    await session.preview();
    expect([calls, events.frames, session.message()]).toEqual([['preview'], [0, 1, 2, 3, 4, 5], 'previewed 6 frames']);
    expect(events.etas.at(-1)).toBe(0);
    expect(events.etas.slice(0, -1).every((eta) => eta !== undefined && eta > 0)).toBe(true);
    expect(session.progress()).toMatchObject({ pass: 'render', frame: 6, total: 6, etaSeconds: 0 });
    // The driver worked (opened, then frame by frame), and nothing works once the preview is done.
    expect(events.working.some((nodes) => nodes.includes('drive'))).toBe(true);
    expect([events.working.at(-1), session.working()]).toEqual([[], []]);
    await session.scrub(2);
    expect(calls).toEqual(['preview']);
  });

  it('cancels a preview at once, keeping the frames made to scrub through', async () => {
    const { session } = nodeSession();
    session.openText('passthrough.json', await presetText('passthrough'));
    session.setInputFile('driving', await fileOf(longClip, 'video/mp4'));
    session.setFrameCount(600);
    const running = session.preview();
    await vi.waitUntil(() => session.framesMade() >= 3, { timeout: 30_000, interval: 5 });
    const asked = performance.now();
    session.cancelPreview();
    expect(session.previewing()).toBe(false);
    const made = session.framesMade();
    expect(session.message()).toBe(`preview cancelled after ${made} frames`);
    await running;
    expect(performance.now() - asked).toBeLessThan(500);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect([session.framesMade(), session.message()]).toEqual([made, `preview cancelled after ${made} frames`]);
    expect(session.frame(made - 1)).toBeDefined();
  });

  it('refuses to preview or export a graph with problems: names the first and its node, selects it, runs nothing', async () => {
    const { runner, calls } = recordingRunner(createRegistry());
    const { session, viewer, downloads } = nodeSession({ runner });
    const broken = (await presetText('animate-painting')).replace('"smoothing": false', '"smoothing": "yes"');
    session.openText('broken.json', broken);
    session.setInputFile('source', await fileOf(picture, 'image/png'));
    session.setInputFile('driving', await fileOf(clip, 'video/mp4'));
    await session.preview();
    expect(session.message()).toBe('cannot preview: node "driveFace" (smoothing): expected true or false, got "yes" (true or false, default true); fix the graph first');
    expect([session.store.selected(), session.previewing(), viewer.cleared]).toEqual(['driveFace', false, 0]);
    session.store.select(undefined);
    await session.exportVideo();
    expect(session.message()).toMatch(/^cannot export: node "driveFace" \(smoothing\): expected true or false/);
    expect([session.store.selected(), downloads, calls]).toEqual(['driveFace', [], []]);

    // An input left unconnected (what once failed inside the method) is a problem too; more than one are counted.
    const unwired = JSON.parse(await presetText('animate-painting')) as { edges: { to: [string, string] }[] };
    unwired.edges = unwired.edges.filter((edge) => edge.to[0] !== 'f2f' || (edge.to[1] !== 'source' && edge.to[1] !== 'sourceFace'));
    session.openText('unwired.json', JSON.stringify(unwired));
    await session.preview();
    expect(session.message()).toMatch(/^cannot preview: node "f2f": required input "(source|sourceFace)" \((image|face)\) is not connected \(and 1 more problem listed\); fix the graph first$/);
    expect(calls).toEqual([]);
  });

  it('tells a failure in a plain sentence (an internal error names its node; its detail goes to the console) and clears the viewer', async () => {
    const registry = createRegistry();
    registry.register(buggy);
    const { session, viewer } = nodeSession({ registry });
    session.openText('passthrough.json', await presetText('passthrough'));
    session.setInputFile('driving', await fileOf(clip, 'video/mp4'));
    session.setFrameCount(2);
    await session.preview();
    expect([session.framesMade(), viewer.cleared]).toEqual([2, 0]);

    const graph = JSON.parse(await presetText('passthrough')) as { nodes: Record<string, unknown>; edges: unknown[] };
    graph.nodes.bug = { type: 'buggy', typeVersion: 1, params: {} };
    graph.edges = [{ from: ['drive', 'frames'], to: ['bug', 'frames'] }, { from: ['bug', 'frames'], to: ['out', 'frames'] }];
    session.openText('buggy.json', JSON.stringify(graph));
    session.setInputFile('driving', await fileOf(clip, 'video/mp4'));
    expect(session.store.problems()).toEqual([]);
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await session.preview();
      expect(session.message()).toBe('node "bug" (buggy) failed at frame 0: an internal error stopped it (the details are in the browser console)');
      expect(logged).toHaveBeenCalledOnce();
      expect(String(logged.mock.calls[0]![0])).toMatch(/TypeError: Cannot read properties of undefined \(reading 'data'\)\n\s+at /);
    } finally {
      logged.mockRestore();
    }
    // Nothing of the earlier graph stays shown.
    expect([viewer.cleared, session.framesMade(), session.frame(0)]).toEqual([1, 0, undefined]);

    // A failure that is a sentence of its own is said as it is.
    session.store.setParam('drive', 'path', join(dir.path, 'missing.mp4'));
    await session.preview();
    expect(session.message()).toMatch(/missing\.mp4/);
    expect(session.message()).not.toMatch(/internal|Error/);
  });
});

describe('the editor session: models checked on open', () => {
  it('marks a node whose model is missing as soon as the graph opens, with the remedy the CLI gives (train, for DeepFakes)', async () => {
    const previous = process.env.VIVIFY_MODELS_DIR;
    // An empty store of the test's own; the Node host reads where it is when made.
    process.env.VIVIFY_MODELS_DIR = join(dir.path, 'empty-store');
    try {
      const { session } = nodeSession();
      session.openText('deepfakes-swap.json', await presetText('deepfakes-swap'));
      await session.models.check();
      const badges = session.models.badges();
      expect([...badges.keys()]).toEqual(['swap']);
      expect(badges.get('swap')).toMatchObject({ text: 'model missing: vivify train deepfakes', tone: 'error' });
      expect(badges.get('swap')!.detail).toContain(': a DeepFakes face swap is trained on this machine, from two face sets that vivify extract makes: vivify train deepfakes --a <faces> --b <faces> --out <dir> --name deepfakes');
      expect(badges.get('swap')!.detail).not.toContain('models pull');

      // A node changed so that it needs another model is checked for that one.
      session.store.setParam('swap', 'model', 'alice-bob');
      expect(session.models.badges().size).toBe(0);
      await session.models.check();
      expect(session.models.badges().get('swap')?.detail).toContain('--name alice-bob');
    } finally {
      if (previous === undefined) delete process.env.VIVIFY_MODELS_DIR;
      else process.env.VIVIFY_MODELS_DIR = previous;
    }
  });
});
