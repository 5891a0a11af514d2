import { createEffect, createSignal, For, on, onCleanup, onMount, Show } from 'solid-js';
import { createRegistry } from '../nodes/index.ts';
import { BrowserFiles } from '../runtime/browser/browser-files.ts';
import { createBrowserHost } from '../runtime/browser/browser-host.ts';
import { onnxruntimeWebFolder } from '../runtime/browser/browser-onnx.ts';
import { createBrowserVideo } from '../runtime/browser/browser-video.ts';
import type { FfmpegWasm } from '../runtime/browser/ffmpeg-wasm.ts';
import { describeModelUse, type ModelUse } from '../runtime/executor.ts';
import type { RgbaImage } from '../runtime/image.ts';
import { FrameCache } from '../runtime/frame-cache.ts';
import { ResultCache } from '../runtime/result-cache.ts';
import { editorAssets } from './editor-assets.ts';
import { cliCommand, runExport } from './export/export-run.ts';
import { runPreview } from './preview/preview-run.ts';
import { viewerSources } from './preview/viewer-extras.ts';
import { drawFaceOverlay } from '../runtime/draw/landmark-overlay.ts';
import type { FaceLandmarks } from '../runtime/face.ts';
import { builtInPresets } from './state/built-in-presets.ts';
import { createEditorStore } from './state/editor-store.ts';
import { dropTarget, mediaKind } from './state/dropped-files.ts';
import { problemNode, titleStem } from './state/graph-file.ts';
import { type RecentGraph, recentGraphs, rememberGraph } from './state/recent-graphs.ts';
import { graphFromLink, shareLink } from './state/share-link.ts';
import { GraphCanvas, type GraphCanvasHandle } from './ui/graph-canvas.tsx';
import { Palette } from './ui/palette.tsx';
import { Inspector } from './ui/inspector.tsx';
import { Viewer, type ViewerHandle } from './ui/viewer.tsx';

export interface AppProps {
  ffmpeg: FfmpegWasm;
  executionProvider: string;
}

/** The editor: toolbar, the graph's inputs, canvas, inspector and viewer. */
export function App(props: AppProps) {
  const registry = createRegistry();
  const store = createEditorStore(registry);
  const files = new BrowserFiles();
  const host = createBrowserHost({
    files,
    video: createBrowserVideo(files, props.ffmpeg),
    executionProvider: props.executionProvider,
    landmarker: { wasmFolderUrl: new URL(editorAssets.mediapipeFolder, document.baseURI).href, bundleUrl: new URL(editorAssets.landmarkerBundle, document.baseURI).href },
    models: { storeUrl: new URL('models/', document.baseURI).href, runtimeUrl: new URL(`${onnxruntimeWebFolder}/`, document.baseURI).href },
  });
  const cache = new ResultCache();
  const frameCache = new FrameCache();
  const [message, setMessage] = createSignal('');
  const [frameCount, setFrameCount] = createSignal(30);
  const [previewing, setPreviewing] = createSignal<AbortController | undefined>();
  const [progress, setProgress] = createSignal({ frame: 0, total: 0, fps: 0 });
  const frames: RgbaImage[] = [];
  /** The document each shown frame was made from: after an edit, a frame is made again before it is shown. */
  const frameDocuments: unknown[] = [];
  /** The driver's frame and landmarks for each shown frame, for the landmark inset. */
  const drivers: { frame?: RgbaImage; face?: FaceLandmarks }[] = [];
  const [split, setSplit] = createSignal(0);
  const [overlay, setOverlay] = createSignal(false);

  /** Gathers what the viewer shows beside the frames: the painting before, the driver and its landmarks. */
  function viewerTap(document: ReturnType<typeof store.document>) {
    const sources = viewerSources(document, registry);
    return (nodeId: string, frame: number | undefined, outputs: Readonly<Record<string, unknown>>) => {
      if (frame === undefined) {
        if (sources.before?.nodeId === nodeId) viewer?.setBefore(outputs[sources.before.port] as RgbaImage | undefined);
        return;
      }
      const driver = sources.driver;
      if (!driver) return;
      drivers[frame] ??= {};
      if (nodeId === driver.frames.nodeId) drivers[frame]!.frame = outputs[driver.frames.port] as RgbaImage | undefined;
      if (nodeId === driver.face.nodeId) drivers[frame]!.face = outputs[driver.face.port] as FaceLandmarks | undefined;
    };
  }

  /** Shows frame `index` with its inset (the driver with its mesh) where the landmark overlay is on. */
  function showFrame(index: number) {
    const frame = frames[index];
    if (!frame) return;
    viewer?.show(frame);
    const driver = drivers[index];
    viewer?.setInset(overlay() && driver?.frame && driver.face ? drawFaceOverlay(driver.frame, driver.face) : undefined);
  }
  const [shownFrame, setShownFrame] = createSignal(0);
  const [framesReady, setFramesReady] = createSignal(0);
  const [recent, setRecent] = createSignal<RecentGraph[]>([]);
  const [shared, setShared] = createSignal('');
  const [exporting, setExporting] = createSignal<AbortController | undefined>();
  const [exportProgress, setExportProgress] = createSignal('');
  const [exportPreviewRange, setExportPreviewRange] = createSignal(false);
  const [command, setCommand] = createSignal('');
  let viewer: ViewerHandle | undefined;
  let canvas: GraphCanvasHandle | undefined;

  const addFile = (file: File) => files.add(file);

  async function preview() {
    previewing()?.abort();
    const controller = new AbortController();
    setPreviewing(controller);
    frames.length = 0;
    frameDocuments.length = 0;
    drivers.length = 0;
    setFramesReady(0);
    const made = store.document();
    setMessage('');
    const total = frameCount();
    const started = performance.now();
    try {
      const summary = await runPreview(store.document(), {
        registry,
        host,
        cache,
        frameCache,
        frames: { start: 0, end: total },
        signal: controller.signal,
        onNodeOutputs: viewerTap(made),
        onFrame(index, frame) {
          frames[index] = frame;
          frameDocuments[index] = made;
          setFramesReady(frames.length);
          setShownFrame(index);
          showFrame(index);
          const seconds = (performance.now() - started) / 1000;
          setProgress({ frame: index + 1, total, fps: (index + 1) / seconds });
        },
      });
      setMessage(`previewed ${frames.length} frames`);
      setModelUses(summary.models);
    } catch (error) {
      if (!controller.signal.aborted) setMessage(error instanceof Error ? error.message : String(error));
    } finally {
      if (previewing() === controller) setPreviewing(undefined);
    }
  }

  /** Renders the graph to MP4 in the page, then offers it for download. */
  async function exportVideo() {
    previewing()?.abort();
    const controller = new AbortController();
    setExporting(controller);
    setExportProgress('starting…');
    try {
      const { summary, files: made } = await runExport(store.document(), {
        registry,
        host,
        cache,
        frames: exportPreviewRange() ? { start: 0, end: frameCount() } : { start: 0 },
        signal: controller.signal,
        onProgress: (p) => setExportProgress(`${p.pass === 'scan' ? 'scanning' : 'exporting'} ${p.frame}/${p.total} · ${p.fps.toFixed(1)} fps`),
      });
      for (const name of made) download(name, files.get(name));
      setExportProgress('');
      setMessage(`exported ${made.join(', ')}: ${summary.frames} frames in ${summary.seconds.toFixed(1)} s`);
      setModelUses(summary.models);
    } catch (error) {
      setExportProgress('');
      setMessage(controller.signal.aborted ? 'export cancelled; nothing was written' : error instanceof Error ? error.message : String(error));
    } finally {
      setExporting(undefined);
    }
  }

  function download(name: string, blob: Blob) {
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = name;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
  }

  function copyCommand() {
    const line = cliCommand(store.document(), registry, graphFileName(), exportPreviewRange() ? { start: 0, end: frameCount() } : undefined);
    setCommand(line);
    void navigator.clipboard?.writeText(line).catch(() => undefined);
    setMessage('CLI command copied');
  }

  const graphFileName = () => `${titleStem(store.document().meta.title, 'graph')}.json`;

  function scrub(index: number) {
    const frame = frames[index];
    if (!frame) return;
    setShownFrame(index);
    if (frameDocuments[index] === store.document()) showFrame(index);
    else void refresh();
  }

  /**
   * After an edit, makes the shown frame again from the frame cache (the driver's frames and landmarks are not
   * decoded or found again); a newer edit during it wins.
   */
  let refreshing: AbortController | undefined;
  async function refresh() {
    const index = shownFrame();
    if (previewing() || exporting() || !frames[index]) return;
    refreshing?.abort();
    const controller = new AbortController();
    refreshing = controller;
    const made = store.document();
    const started = performance.now();
    try {
      await runPreview(made, {
        registry,
        host,
        cache,
        frameCache,
        frames: { start: 0, end: frameCount() },
        only: index,
        signal: controller.signal,
        onNodeOutputs: viewerTap(made),
        onFrame(at, frame) {
          frames[at] = frame;
          frameDocuments[at] = made;
          if (shownFrame() === at) showFrame(at);
        },
      });
      setRefreshMs(performance.now() - started);
    } catch (error) {
      if (!controller.signal.aborted) setMessage(error instanceof Error ? error.message : String(error));
    }
  }
  const [refreshMs, setRefreshMs] = createSignal<number | undefined>();
  /** The models the last preview or export ran, each with the provider that ran it. */
  const [modelUses, setModelUses] = createSignal<ModelUse[]>([]);
  createEffect(on(store.document, () => void refresh(), { defer: true }));

  async function openFile(file: File) {
    store.open(await file.text());
    setMessage(store.problems().length > 0 ? `${file.name}: ${store.problems().length} problem(s), listed on their nodes` : `opened ${file.name}`);
  }

  /** Saves to the browser's recent list and downloads the file (the same format the CLI reads). */
  function save() {
    void rememberGraph(store.document()).then(setRecent);
    const text = `${JSON.stringify(store.document(), null, 2)}\n`;
    download(graphFileName(), new Blob([text], { type: 'application/json' }));
  }

  /** Files dropped on the editor: a picture or a video goes to the node it lands on, else to the graph's input for it. */
  function onDrop(event: DragEvent) {
    event.preventDefault();
    for (const file of Array.from(event.dataTransfer?.files ?? [])) {
      if (file.name.endsWith('.json')) {
        void openFile(file);
        continue;
      }
      const kind = mediaKind(file);
      const target = kind && dropTarget(store.document(), registry, kind, canvas?.nodeAt(event));
      if (!target) {
        setMessage(`${file.name}: not a picture or video this graph takes`);
        continue;
      }
      store.setParam(target.nodeId, target.param, addFile(file));
      setMessage(`${file.name} → ${target.nodeId}.${target.param}`);
    }
  }

  const onKey = (event: KeyboardEvent) => {
    const mod = event.ctrlKey || event.metaKey;
    if (mod && event.key.toLowerCase() === 's') {
      event.preventDefault();
      save();
    } else if (mod && event.key === 'Enter') {
      event.preventDefault();
      void preview();
    } else if (mod && event.key.toLowerCase() === 'z') {
      event.preventDefault();
      if (event.shiftKey) store.redo();
      else store.undo();
    } else if (mod && event.key.toLowerCase() === 'd') {
      event.preventDefault();
      canvas?.duplicate();
    } else if (mod && event.key.toLowerCase() === 'y') {
      event.preventDefault();
      store.redo();
    }
  };
  onMount(() => {
    window.addEventListener('keydown', onKey, true);
    void recentGraphs().then(setRecent);
    const shared = graphFromLink(location.hash);
    if (shared) {
      store.open(shared);
      setMessage('opened the shared graph');
    }
  });

  function share() {
    const link = shareLink(store.document(), location.href);
    setShared(link);
    void navigator.clipboard?.writeText(link).catch(() => undefined);
    setMessage('share link copied');
  }

  onCleanup(() => window.removeEventListener('keydown', onKey, true));

  // What end-to-end tests read: the document and problems as the editor holds them, and the frames it showed.
  Object.assign(window, {
    vivifyEditor: {
      document: () => store.document(),
      problems: () => store.problems(),
      frames: () => frames.length,
      frame: (index: number) => frames[index],
      provider: () => host.executionProvider,
      renderer: () => viewer?.renderer(),
      canvasNodes: () => canvas?.nodeCount(),
      select: (id: string) => store.select(id),
      param: (nodeId: string, name: string) => store.document().nodes[nodeId]?.params[name],
      refreshMs: () => refreshMs(),
    },
  });

  const graphInputs = () =>
    Object.entries(store.document().inputs).filter(([, target]) => {
      const [nodeId, param] = target.split('.') as [string, string];
      const spec = registry.get(store.document().nodes[nodeId]?.type ?? '')?.params[param];
      return spec?.kind === 'file' && spec.role === 'input';
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
          <input type="file" accept=".json,application/json" data-testid="open-graph" hidden onChange={(e) => e.currentTarget.files?.[0] && void openFile(e.currentTarget.files[0])} />
        </label>
        <button type="button" onClick={save} title="Ctrl+S" data-testid="save">Save</button>
        <select
          data-testid="recent"
          onChange={(e) => {
            const chosen = recent()[Number(e.currentTarget.value)];
            if (chosen) store.load(chosen.document);
            e.currentTarget.value = '';
          }}
        >
          <option value="">Recent…</option>
          <For each={recent()}>{(entry, index) => <option value={index()}>{entry.title}</option>}</For>
        </select>
        <button type="button" onClick={share} data-testid="share">Share</button>
        <button type="button" onClick={() => store.undo()} disabled={store.historySize().undo === 0} title="Ctrl+Z">Undo</button>
        <button type="button" onClick={() => store.redo()} disabled={store.historySize().redo === 0} title="Ctrl+Shift+Z">Redo</button>
        <span class="inputs">
          <For each={graphInputs()}>
            {([name, target]) => (
              <label class="graph-input" title={`sets ${target}`}>
                {name}:
                <input
                  type="file"
                  data-input={name}
                  onChange={(e) => {
                    const file = e.currentTarget.files?.[0];
                    if (!file) return;
                    const [nodeId, param] = target.split('.') as [string, string];
                    store.setParam(nodeId, param, addFile(file));
                  }}
                />
              </label>
            )}
          </For>
        </span>
        <label>
          frames <input type="number" min="1" max="100000" value={frameCount()} onChange={(e) => setFrameCount(Math.max(1, Number(e.currentTarget.value)))} data-testid="frame-count" />
        </label>
        <button type="button" data-testid="preview" onClick={() => void preview()} title="Ctrl+Enter">
          {previewing() ? 'Restart' : 'Preview'}
        </button>
        <Show
          when={exporting()}
          fallback={
            <button type="button" data-testid="export" onClick={() => void exportVideo()}>
              Export MP4
            </button>
          }
        >
          <button type="button" data-testid="cancel-export" onClick={() => exporting()?.abort()}>
            Cancel export
          </button>
          <span data-testid="export-progress">{exportProgress()}</span>
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
          <input type="checkbox" checked={exportPreviewRange()} onChange={(e) => setExportPreviewRange(e.currentTarget.checked)} data-testid="export-range" /> preview range only
        </label>
        <button type="button" data-testid="copy-command" onClick={copyCommand}>
          Copy CLI command
        </button>
      </header>
      <main class="panes">
        <Palette registry={registry} onAdd={(type) => canvas?.add(type)} />
        <GraphCanvas store={store} registry={registry} notify={setMessage} ref={(handle) => (canvas = handle)} />
        <section class="right">
          <Viewer ref={(handle) => (viewer = handle)} preference={host.executionProvider === 'webgpu' ? 'webgpu' : 'webgl'} />
          <div class="scrub">
            <input type="range" min="0" max={Math.max(0, framesReady() - 1)} value={shownFrame()} onInput={(e) => scrub(Number(e.currentTarget.value))} data-testid="scrub" />
            <label title="drag to compare with the painting as it is">
              before|after <input type="range" min="0" max="100" value={split() * 100} onInput={(e) => { setSplit(Number(e.currentTarget.value) / 100); viewer?.setSplit(split()); }} data-testid="split" />
            </label>
            <label title="the driver with its landmarks, in the corner">
              <input type="checkbox" checked={overlay()} onChange={(e) => { setOverlay(e.currentTarget.checked); showFrame(shownFrame()); }} data-testid="overlay" /> landmarks
            </label>
            <span data-testid="frame-label">
              frame {shownFrame()} · {progress().fps.toFixed(1)} fps · {host.executionProvider}
              <Show when={refreshMs() !== undefined}>
                {' '}· <span data-testid="refresh-ms">redrawn in {Math.round(refreshMs()!)} ms</span>
              </Show>
            </span>
          </div>
          <Show when={modelUses().length > 0}>
            <ul class="model-uses" data-testid="model-uses">
              <For each={modelUses()}>{(use) => <li>{describeModelUse(use)}</li>}</For>
            </ul>
          </Show>
          <Inspector store={store} registry={registry} addFile={addFile} />
        </section>
      </main>
      <footer class="status" data-testid="status">
        <span>{message()}</span>
        <Show when={command()}>
          <code data-testid="cli-command">{command()}</code>
        </Show>
        <Show when={shared()}>
          <input class="share-link" readonly value={shared()} data-testid="share-link" />
        </Show>
        <Show when={store.problems().length > 0}>
          <ul class="all-problems" data-testid="problems">
            <For each={store.problems()}>
              {(problem) => (
                <li data-node={problemNode(problem) ?? ''} onClick={() => store.select(problemNode(problem))}>
                  <code>{problem.path}</code> {problem.message}
                </li>
              )}
            </For>
          </ul>
        </Show>
      </footer>
    </div>
  );
}
