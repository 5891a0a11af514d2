import type { BrowserFiles } from '../../runtime/browser/browser-files.ts';
import { CancelledError } from '../../runtime/errors.ts';
import type { RunSummary } from '../../runtime/executor.ts';
import type { GraphDocument } from '../../runtime/graph/document.ts';
import { serveCamera } from './camera-relay.ts';
import { serveMicrophone } from './microphone-relay.ts';
import type { GraphRunner, PreviewEvents, RunEvents } from './graph-runner.ts';
import { ReportedRunError } from './run-errors.ts';
import { type FromWorker, type ToWorker, unpackImage, type WorkerSetup } from './runner-protocol.ts';

interface Pending {
  events: Partial<PreviewEvents>;
  done(summary: RunSummary, files: [string, Blob][]): void;
  failed(error: Error): void;
}

/**
 * Runs the editor's graphs in a Web Worker (runner-worker.ts), so that the page stays free while frames are made:
 * it only receives them (transferred buffers) and shows them. The worker starts on the first run and keeps its
 * caches from run to run. Cancelling ends a run here at once; the worker stops it as soon as it hears.
 */
export function createWorkerRunner(options: { files: BrowserFiles; setup: WorkerSetup }): GraphRunner {
  let worker: Worker | undefined;
  const pending = new Map<number, Pending>();
  let runs = 0;
  const send = (message: ToWorker, transfer: Transferable[] = []) => worker?.postMessage(message, transfer);
  const camera = serveCamera((reply, transfer) => send(reply, transfer));
  const microphone = serveMicrophone((reply) => send(reply));

  function started(): Worker {
    if (worker) return worker;
    // Vite bundles the worker from this URL (and, inside it, ffmpeg.wasm's own worker).
    const made = new Worker(new URL('./runner-worker.ts', import.meta.url), { type: 'module', name: 'vivify-runner' });
    made.addEventListener('message', (event: MessageEvent<FromWorker>) => receive(event.data));
    made.addEventListener('error', (event) => {
      // The worker itself broke (its script did not load, or it crashed): every run in it fails; the next starts afresh.
      event.preventDefault();
      console.error('the graph runner worker failed:', event.message);
      made.terminate();
      if (worker === made) worker = undefined;
      const runsLost = [...pending.values()];
      pending.clear();
      const text = 'the run failed: its worker stopped (the details are in the browser console)';
      for (const run of runsLost) run.failed(new ReportedRunError({ text, cancelled: false, internal: true, detail: event.message }));
    });
    worker = made;
    send({ type: 'setup', setup: options.setup });
    return made;
  }

  function receive(message: FromWorker): void {
    if (message.type === 'camera') {
      void camera(message);
      return;
    }
    if (message.type === 'microphone') {
      void microphone(message);
      return;
    }
    const run = pending.get(message.id);
    // A cancelled run's last messages are dropped.
    if (!run) return;
    const { events } = run;
    if (message.type === 'frame') events.frame?.(message.index, unpackImage(message.image), message.heardAt);
    else if (message.type === 'before') events.before?.(message.image && unpackImage(message.image));
    else if (message.type === 'driver') events.driver?.(message.index, { ...(message.frame ? { frame: unpackImage(message.frame) } : {}), ...(message.face ? { face: message.face } : {}) });
    else if (message.type === 'progress') events.progress?.(message.progress);
    else if (message.type === 'working') events.working?.(message.nodes);
    else if (message.type === 'done') run.done(message.summary, message.files);
    else if (message.type === 'failed') run.failed(new ReportedRunError(message.report));
  }

  function start(message: (id: number) => ToWorker, events: Partial<PreviewEvents>, signal: AbortSignal): Promise<{ summary: RunSummary; files: [string, Blob][] }> {
    if (signal.aborted) return Promise.reject(new CancelledError());
    const id = ++runs;
    return new Promise((resolve, reject) => {
      const end = () => {
        pending.delete(id);
        signal.removeEventListener('abort', cancel);
        events.working?.([]);
      };
      const cancel = () => {
        end();
        send({ type: 'cancel', id });
        reject(new CancelledError());
      };
      signal.addEventListener('abort', cancel, { once: true });
      pending.set(id, {
        events,
        done: (summary, files) => {
          end();
          resolve({ summary, files });
        },
        failed: (error) => {
          end();
          reject(error);
        },
      });
      try {
        started();
        send(message(id));
      } catch (error) {
        // A document or file the worker cannot be sent (a DataCloneError): the run fails here.
        end();
        reject(error);
      }
    });
  }

  return {
    async preview(document: GraphDocument, request, events: PreviewEvents, signal) {
      const files = options.files.entries();
      return (await start((id) => ({ type: 'run', id, kind: 'preview', document, request, files }), events, signal)).summary;
    },
    async exportVideo(document: GraphDocument, request, events: RunEvents, signal) {
      const files = options.files.entries();
      const { summary, files: made } = await start((id) => ({ type: 'run', id, kind: 'export', document, request, files }), events, signal);
      // The page offers what the worker made, under the same names.
      for (const [name, blob] of made) options.files.put(name, blob);
      return { summary, files: made.map(([name]) => name) };
    },
  };
}
