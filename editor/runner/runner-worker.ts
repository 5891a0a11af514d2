import { createRegistry } from '../../nodes/index.ts';
import { BrowserFiles } from '../../runtime/browser/browser-files.ts';
import { createBrowserHost } from '../../runtime/browser/browser-host.ts';
import { createBrowserVideo } from '../../runtime/browser/browser-video.ts';
import { createFfmpegLoader } from '../../runtime/browser/ffmpeg-wasm.ts';
import { relayedCamera } from './camera-relay.ts';
import type { GraphRunner, PreviewEvents, RunEvents } from './graph-runner.ts';
import { createLocalRunner } from './local-runner.ts';
import { relayedMicrophone } from './microphone-relay.ts';
import { describeRunError } from './run-errors.ts';
import { type FromWorker, packImage, type ToWorker, type WorkerSetup } from './runner-protocol.ts';

/*
 * The worker that runs the editor's graphs, off the page's thread: the same local runner the tests drive, over a
 * browser host of its own (ffmpeg.wasm starts its own worker inside this one; MediaPipe and onnxruntime-web run
 * here). Each run's pictures go to the page as they are made; the page only shows them.
 */

interface WorkerScope {
  postMessage(message: FromWorker, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<ToWorker>) => void): void;
}

const scope = self as unknown as WorkerScope;
const post = (message: FromWorker, transfer: Transferable[] = []) => scope.postMessage(message, transfer);
const files = new BrowserFiles();
const camera = relayedCamera((request) => post(request));
const microphone = relayedMicrophone((request, transfer) => post(request, transfer), files);
const runs = new Map<number, AbortController>();
let runner: GraphRunner | undefined;

function setUp(setup: WorkerSetup): GraphRunner {
  const ffmpeg = createFfmpegLoader({ coreUrl: setup.ffmpeg.coreUrl, wasmUrl: setup.ffmpeg.wasmUrl });
  const host = createBrowserHost({
    files,
    video: createBrowserVideo(files, ffmpeg),
    executionProvider: setup.executionProvider,
    landmarker: setup.landmarker,
    models: setup.models,
    speech: setup.speech,
    openCamera: camera.openCamera,
    openMicrophone: microphone.openMicrophone,
  });
  return createLocalRunner({ registry: createRegistry(), host });
}

/**
 * The run's reports as messages. Which nodes work changes several times a frame: the page is told, at most every
 * 100 ms, every node that worked since it was last told. (A timer alone would not do: it fires only between pieces of
 * work, when the nodes that compute in this thread have just finished.)
 */
function eventsFor(id: number): PreviewEvents {
  let now = new Set<string>();
  let since = new Set<string>();
  let told = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tell = () => {
    timer = undefined;
    told = performance.now();
    if (runs.has(id)) post({ type: 'working', id, nodes: [...since] });
    since = new Set(now);
  };
  const events: RunEvents = {
    progress: (progress) => post({ type: 'progress', id, progress }),
    working(nodes) {
      now = new Set(nodes);
      for (const node of nodes) since.add(node);
      if (performance.now() - told >= 100) tell();
      else timer ??= setTimeout(tell, 100);
    },
  };
  return {
    ...events,
    frame(index, frame) {
      const transfer: Transferable[] = [];
      const heardAt = microphone.heardAt(index);
      post({ type: 'frame', id, index, image: packImage(frame, transfer), ...(heardAt === undefined ? {} : { heardAt }) }, transfer);
    },
    before(image) {
      const transfer: Transferable[] = [];
      post({ type: 'before', id, image: image && packImage(image, transfer) }, transfer);
    },
    driver(index, view) {
      const transfer: Transferable[] = [];
      post({ type: 'driver', id, index, ...(view.frame ? { frame: packImage(view.frame, transfer) } : {}), ...(view.face ? { face: view.face } : {}) }, transfer);
    },
  };
}

async function run(message: Extract<ToWorker, { type: 'run' }>): Promise<void> {
  const { id } = message;
  const controller = new AbortController();
  runs.set(id, controller);
  // The page's files as they are now (Blobs are handles: nothing is copied).
  files.putAll(message.files);
  try {
    if (!runner) throw new Error('the worker was not set up');
    const events = eventsFor(id);
    if (message.kind === 'preview') {
      const summary = await runner.preview(message.document, message.request, events, controller.signal);
      post({ type: 'done', id, summary, files: [] });
    } else {
      const { summary, files: made } = await runner.exportVideo(message.document, message.request, events, controller.signal);
      post({ type: 'done', id, summary, files: made.map((name) => [name, files.get(name)]) });
    }
  } catch (error) {
    const report = describeRunError(error);
    // Where the error happened is the place to keep its stack: it is told to the page as text.
    post({ type: 'failed', id, report });
  } finally {
    runs.delete(id);
  }
}

scope.addEventListener('message', ({ data: message }) => {
  if (message.type === 'setup') runner = setUp(message.setup);
  else if (message.type === 'run') void run(message);
  else if (message.type === 'cancel') runs.get(message.id)?.abort();
  else if (message.type === 'camera-reply') camera.receive(message);
  else if (message.type === 'microphone-reply') microphone.receive(message);
});
