import { createEffect, createSignal, For, on, onCleanup, onMount, Show } from 'solid-js';
import { createRegistry } from '../nodes/index.ts';
import { BrowserFiles } from '../runtime/browser/browser-files.ts';
import { createBrowserHost } from '../runtime/browser/browser-host.ts';
import { onnxruntimeWebFolder } from '../runtime/browser/browser-onnx.ts';
import { createBrowserVideo } from '../runtime/browser/browser-video.ts';
import type { FfmpegWasm } from '../runtime/browser/ffmpeg-wasm.ts';
import { describeModelUse } from '../runtime/executor.ts';
import { editorAssets } from './editor-assets.ts';
import { pacedViewer } from './preview/paced-viewer.ts';
import { createWorkerRunner } from './runner/worker-runner.ts';
import { workerSetup } from './runner/worker-setup.ts';
import { createEditorSession, eta } from './session/editor-session.ts';
import { keyAction } from './session/keymap.ts';
import { builtInPresets, defaultPreset, microphonePreset, webcamPreset } from './state/built-in-presets.ts';
import { newestWins } from './state/newest-wins.ts';
import { recentGraphs, rememberGraph } from './state/recent-graphs.ts';
import { carriesGraph } from './state/share-link.ts';
import { GraphCanvas, type GraphCanvasHandle } from './ui/graph-canvas.tsx';
import { Palette } from './ui/palette.tsx';
import { Inspector } from './ui/inspector.tsx';
import { InputPickers } from './ui/input-pickers.tsx';
import { StartHint } from './ui/start-hint.tsx';
import { StatusBar } from './ui/status-bar.tsx';
import { Viewer, type ViewerHandle } from './ui/viewer.tsx';

export interface AppProps {
  ffmpeg: FfmpegWasm;
  executionProvider: string;
}

/** The editor's page: toolbar, the graph's inputs, canvas, inspector and viewer, over a headless editor session. */
export function App(props: AppProps) {
  const files = new BrowserFiles();
  const host = createBrowserHost({
    files,
    video: createBrowserVideo(files, props.ffmpeg),
    executionProvider: props.executionProvider,
    landmarker: { wasmFolderUrl: new URL(editorAssets.mediapipeFolder, document.baseURI).href, bundleUrl: new URL(editorAssets.landmarkerBundle, document.baseURI).href },
    models: { storeUrl: new URL('models/', document.baseURI).href, runtimeUrl: new URL(`${onnxruntimeWebFolder}/`, document.baseURI).href },
    speech: { visemeModelUrl: new URL(editorAssets.visemeModel, document.baseURI).href },
  });
  let viewer: ViewerHandle | undefined;
  let canvas: GraphCanvasHandle | undefined;
  // The viewer mounts after the session is made: calls before then have nothing to draw on.
  const shown = pacedViewer({
    show: (frame) => viewer?.show(frame),
    setInset: (image) => viewer?.setInset(image),
    setBefore: (image) => viewer?.setBefore(image),
  });
  const session = createEditorSession({
    registry: createRegistry(),
    host,
    // Graphs run in a worker, so the page never waits on a frame; `?runner=page` runs them here instead (to compare).
    runner: new URLSearchParams(location.search).get('runner') === 'page' ? undefined : createWorkerRunner({ files, setup: workerSetup(props.executionProvider, document.baseURI) }),
    files,
    recent: { list: recentGraphs, remember: rememberGraph },
    viewer: shown,
    download,
    copy: (text) => void navigator.clipboard?.writeText(text).catch(() => undefined),
  });
  const { store, registry } = session;
  const [split, setSplit] = createSignal(0);

  function download(name: string, blob: Blob) {
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = name;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
  }

  // An edit redraws the shown frame. A slider's drag makes an edit per step: while a redraw runs, the steps fold into
  // one more redraw of the newest document, never a queue of one per step.
  const webcamGraph = webcamPreset?.text;
  const microphoneGraph = microphonePreset?.text;
  let redraws = 0;
  const redraw = newestWins(() => {
    redraws++;
    return session.refresh();
  });
  createEffect(on(store.document, () => void redraw(), { defer: true }));
  // Whether the graph's models are installed, asked on open and whenever a node comes to need another one.
  createEffect(on(store.document, () => void session.models.check()));

  /** Opens the microphone preset in place of a graph that speaks a recording, keeping the painting already chosen. */
  function useMicrophone(text: string) {
    const painting = store.document().inputs.source;
    const chosen = painting ? store.document().nodes[painting.split('.')[0]!]?.params[painting.split('.')[1]!] : undefined;
    store.open(text);
    const target = store.document().inputs.source;
    if (typeof chosen === 'string' && chosen && target) store.setParam(target.split('.')[0]!, target.split('.')[1]!, chosen);
  }

  function onDrop(event: DragEvent) {
    event.preventDefault();
    void session.drop(Array.from(event.dataTransfer?.files ?? []), canvas?.nodeAt(event));
  }

  const onKey = (event: KeyboardEvent) => {
    const action = keyAction(event);
    if (!action) return;
    event.preventDefault();
    if (action === 'save') void session.save();
    else if (action === 'preview') void session.preview();
    else if (action === 'undo') store.undo();
    else if (action === 'redo') store.redo();
    else canvas?.duplicate();
  };
  // Closing or reloading the page with changes not saved: the browser asks first (its own wording; pages may not set it).
  const onLeave = (event: BeforeUnloadEvent) => {
    if (!store.unsaved()) return;
    event.preventDefault();
    // Older browsers ask only when a value is set (any text: they show their own).
    event.returnValue = 'unsaved';
  };
  onMount(() => {
    window.addEventListener('beforeunload', onLeave);
    // An empty picture drawn at load: the viewer's first draw (shaders, the canvas's first read-back) then costs the
    // first preview frame nothing.
    shown.clear();
    window.addEventListener('keydown', onKey, true);
    // Back from a terminal where a model was pulled or trained: its mark goes.
    window.addEventListener('focus', () => void session.models.recheck());
    void session.loadRecent();
    // A first visit opens a graph ready to run (the start hint asks for its files); a shared link opens its own.
    if (carriesGraph(location.hash)) openShared();
    else store.open(defaultPreset.text);
  });
  onCleanup(() => {
    window.removeEventListener('keydown', onKey, true);
    window.removeEventListener('beforeunload', onLeave);
  });

  /** The graph a shared link carries; a link cut short or mangled in passing opens the default graph, saying so. */
  function openShared() {
    try {
      session.openLink(location.hash);
    } catch {
      store.open(defaultPreset.text);
      session.setMessage('the shared link is damaged (cut short?): its graph could not be read, so the default graph is open');
    }
  }

  // What end-to-end tests read: the document and problems as the editor holds them, and the frames it showed.
  Object.assign(window, {
    vivifyEditor: {
      document: () => store.document(),
      problems: () => store.problems(),
      frames: () => session.framesMade(),
      frame: (index: number) => session.frame(index),
      provider: () => host.executionProvider,
      renderer: () => viewer?.renderer(),
      canvasNodes: () => canvas?.nodeCount(),
      select: (id: string) => store.select(id),
      param: (nodeId: string, name: string) => store.document().nodes[nodeId]?.params[name],
      refreshMs: () => session.refreshMs(),
      liveLatencyMs: () => session.liveLatencyMs(),
      redraws: () => redraws,
      layout: () => canvas?.layout(),
      fit: () => canvas?.fit(),
      canUndo: () => store.historySize().undo > 0,
      unsaved: () => store.unsaved(),
      previewing: () => session.previewing(),
      working: () => session.working(),
      modelBadges: () => Object.fromEntries(session.models.badges()),
    },
  });

  return (
    <div class="editor" onDragOver={(e) => e.preventDefault()} onDrop={onDrop}>
      <header class="toolbar">
        <strong>Vivify</strong>
        <select
          data-testid="presets"
          onChange={(e) => {
            const preset = builtInPresets.find((p) => p.name === e.currentTarget.value);
            if (preset) store.open(preset.text);
            e.currentTarget.value = '';
          }}
        >
          <option value="">Presets…</option>
          <For each={builtInPresets}>{(preset) => <option value={preset.name}>{preset.title}</option>}</For>
        </select>
        <label class="button">
          Open…
          <input type="file" accept=".json,application/json" data-testid="open-graph" hidden onChange={(e) => e.currentTarget.files?.[0] && void session.openFile(e.currentTarget.files[0])} />
        </label>
        <button type="button" onClick={() => void session.save()} title="Ctrl+S" data-testid="save">Save</button>
        <select
          data-testid="recent"
          onChange={(e) => {
            const chosen = session.recent()[Number(e.currentTarget.value)];
            if (chosen) store.load(chosen.document);
            e.currentTarget.value = '';
          }}
        >
          <option value="">Recent…</option>
          <For each={session.recent()}>{(entry, index) => <option value={index()}>{entry.title}</option>}</For>
        </select>
        <button type="button" onClick={() => session.share(location.href)} data-testid="share">Share</button>
        <button type="button" onClick={() => store.undo()} disabled={store.historySize().undo === 0} title="Ctrl+Z">Undo</button>
        <button type="button" onClick={() => store.redo()} disabled={store.historySize().redo === 0} title="Ctrl+Shift+Z">Redo</button>
        <InputPickers store={store} registry={registry} pick={session.setInputFile} />
        <button type="button" onClick={() => canvas?.fit()} title="Fit the whole graph in view (F or .)" data-testid="fit">
          Fit
        </button>
        <label>
          frames <input type="number" min="1" max="100000" value={session.frameCount()} onChange={(e) => session.setFrameCount(Math.max(1, Number(e.currentTarget.value)))} data-testid="frame-count" />
        </label>
        <button type="button" data-testid="preview" onClick={() => void session.preview()} title="Ctrl+Enter">
          {session.previewing() ? 'Restart' : 'Preview'}
        </button>
        <Show when={session.previewing()}>
          <button type="button" data-testid="cancel-preview" onClick={() => session.cancelPreview()}>
            Cancel
          </button>
        </Show>
        <Show
          when={session.exporting()}
          fallback={
            <button type="button" data-testid="export" onClick={() => void session.exportVideo()}>
              Export MP4
            </button>
          }
        >
          <button type="button" data-testid="cancel-export" onClick={() => session.cancelExport()}>
            Cancel export
          </button>
          <span data-testid="export-progress">{session.exportProgress()}</span>
        </Show>
        <label title="where models run: auto picks WebGPU on a real GPU, wasm otherwise (the page reloads)">
          provider{' '}
          <select
            data-testid="provider"
            value={new URLSearchParams(location.search).get('provider') ?? 'auto'}
            onChange={(e) => {
              const url = new URL(location.href);
              if (e.currentTarget.value === 'auto') url.searchParams.delete('provider');
              else url.searchParams.set('provider', e.currentTarget.value);
              location.href = url.href;
            }}
          >
            <option value="auto">auto</option>
            <option value="webgpu">WebGPU</option>
            <option value="wasm">wasm</option>
          </select>
        </label>
        <label title="export only the frames the preview covers">
          <input type="checkbox" checked={session.exportPreviewRange()} onChange={(e) => session.setExportPreviewRange(e.currentTarget.checked)} data-testid="export-range" /> preview range only
        </label>
        <button type="button" data-testid="copy-command" onClick={() => session.copyCommand()}>
          Copy CLI command
        </button>
      </header>
      <main class="panes">
        <Palette registry={registry} onAdd={(type) => canvas?.add(type)} />
        <GraphCanvas store={store} registry={registry} notify={session.setMessage} badges={session.models.badges} working={session.working} file={(name) => (files.has(name) ? files.get(name) : undefined)} ref={(handle) => (canvas = handle)} />
        <section class="right">
          <Viewer ref={(handle) => (viewer = handle)} preference={host.executionProvider === 'webgpu' ? 'webgpu' : 'webgl'} />
          <div class="scrub">
            <input type="range" min="0" max={Math.max(0, session.framesReady() - 1)} value={session.shownFrame()} onInput={(e) => void session.scrub(Number(e.currentTarget.value))} data-testid="scrub" />
            <label title="drag to compare with the painting as it is">
              before|after <input type="range" min="0" max="100" value={split() * 100} onInput={(e) => { setSplit(Number(e.currentTarget.value) / 100); viewer?.setSplit(split()); }} data-testid="split" />
            </label>
            <label title="the driver with its landmarks, in the corner">
              <input type="checkbox" checked={session.overlay()} onChange={(e) => session.setOverlay(e.currentTarget.checked)} data-testid="overlay" /> landmarks
            </label>
            <span data-testid="frame-label">
              {/* Nothing to tell of a frame once the viewer is empty (another graph opened, a preview failed). */}
              <Show when={session.previewing() || session.framesMade() > 0}>
                {session.previewing() ? `frame ${session.progress().frame}/${session.progress().total}` : `frame ${session.shownFrame()}`} · {session.progress().fps.toFixed(1)} fps
                {session.previewing() ? eta(session.progress().etaSeconds) : ''} · {host.executionProvider}
                <Show when={session.working().length > 0}>
                  {' '}· <span data-testid="working">running {session.working().join(', ')}</span>
                </Show>
                <Show when={session.liveLatencyMs() !== undefined}>
                  {' '}· <span data-testid="mic-latency" title="from the microphone's sound to the frame that shows it">microphone → frame {Math.round(session.liveLatencyMs()!)} ms</span>
                </Show>
                <Show when={session.refreshMs() !== undefined}>
                  {' '}· <span data-testid="refresh-ms">redrawn in {Math.round(session.refreshMs()!)} ms</span>
                </Show>
              </Show>
            </span>
          </div>
          <Show when={session.modelUses().length > 0}>
            <ul class="model-uses" data-testid="model-uses">
              <For each={session.modelUses()}>{(use) => <li>{describeModelUse(use)}</li>}</For>
            </ul>
          </Show>
          <StartHint
            store={store}
            registry={registry}
            showing={() => session.framesReady() > 0 || session.previewing() || session.exporting()}
            pick={session.setInputFile}
            preview={() => void session.preview()}
            useWebcam={webcamGraph === undefined ? undefined : () => store.open(webcamGraph)}
            useMicrophone={microphoneGraph === undefined ? undefined : () => useMicrophone(microphoneGraph)}
          />
          <Inspector store={store} registry={registry} addFile={session.addFile} />
        </section>
      </main>
      <StatusBar
        message={session.message}
        clear={() => session.setMessage('')}
        command={session.command}
        shared={session.shared}
        problems={store.problems}
        select={store.select}
      />
    </div>
  );
}
