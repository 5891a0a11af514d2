import { LGraph, LGraphCanvas, type LGraphNode } from '@comfyorg/litegraph';
import '@comfyorg/litegraph/style.css';
import { createEffect, on, onCleanup, onMount } from 'solid-js';
import type { NodeRegistry } from '../../runtime/registry.ts';
import {
  addNodeNear,
  colorLinks,
  documentFromGraph,
  documentIdOf,
  duplicateNodes,
  freshId,
  graphBounds,
  nodeMediaOf,
  registerNodeTypes,
  setNodeMedia,
  showDocument,
  shownNode,
} from '../graph/litegraph-bridge.ts';
import { showModelBadges } from '../graph/model-badges.ts';
import { plainBelowScale } from '../graph/node-title.ts';
import { problemNode } from '../state/graph-file.ts';
import type { EditorStore } from '../state/editor-store.ts';
import type { NodeBadge } from '../session/model-status.ts';
import { createThumbnails } from './media-thumbnails.ts';

export interface GraphCanvasProps {
  store: EditorStore;
  registry: NodeRegistry;
  /** A sentence for the user (a refused connection). */
  notify(message: string): void;
  /** The file the user gave under a name, if any: its picture is drawn in the node that reads it. */
  file?(name: string): Blob | undefined;
  /** Each node's model mark (a missing model and the way to get it), by document id. */
  badges?(): ReadonlyMap<string, NodeBadge>;
  /** The nodes a preview or export is working in now: their title bars light up. */
  working?(): readonly string[];
  ref?(handle: GraphCanvasHandle): void;
}

/** Where a node is drawn on the canvas element, in CSS pixels, title bar included; and its picture, if it shows one. */
export interface NodeBox {
  box: [x: number, y: number, width: number, height: number];
  /** The file the node shows, if it reads one ('' while none is chosen). */
  file?: string;
  picture?: [x: number, y: number, width: number, height: number];
  /** Whether the node is drawn as working now (a preview or export is in it). */
  working?: boolean;
}

export interface GraphCanvasHandle {
  /** Adds a node of `type` at the free place nearest the middle of the view. */
  add(type: string): void;
  /** Duplicates the selected nodes. */
  duplicate(): void;
  /** Scales and scrolls the view so that the whole graph shows. */
  fit(): void;
  /** How many nodes the canvas shows. */
  nodeCount(): number;
  /** The document id of the node at a pointer event's place, if any. */
  nodeAt(event: MouseEvent): string | undefined;
  /** Where each node is drawn, by document id, and the canvas's size (what tests check the layout with). */
  layout(): { width: number; height: number; nodes: Record<string, NodeBox> };
}

/** The title bar of a node a run is working in. */
const workingColour = '#2f7d4f';

/** The margin kept around the graph when it is fitted into the view. */
const fitMargin = 24;
/** Fitting never zooms in past 1, nor out past this (a huge graph is scrolled instead). */
const fitMinScale = 0.3;

/** Whether a key press is typing (in a field), which shortcuts of single letters leave alone. */
const typing = (event: KeyboardEvent) =>
  event.target instanceof HTMLElement && (event.target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(event.target.tagName));

/** The litegraph canvas: draws the document and turns the user's moves, wires and deletions into document edits. */
export function GraphCanvas(props: GraphCanvasProps) {
  let element!: HTMLCanvasElement;
  let box!: HTMLDivElement;
  const graph = new LGraph();
  let canvas: LGraphCanvas | undefined;
  let showing = false;
  /** The view as the last fit left it: while the user has not moved it, a resized canvas is fitted again. */
  let fitted: { scale: number; x: number; y: number } | undefined;
  const thumbnails = createThumbnails({ blob: (name) => props.file?.(name), ready: () => showMedia() });

  const sync = () => {
    if (showing) return;
    colorLinks(graph);
    props.store.edit(documentFromGraph(graph, props.store.document(), props.registry));
  };

  /** Scales and scrolls the canvas so that the whole graph shows, centred. */
  function fitView() {
    const bounds = graphBounds(graph);
    if (!canvas || !bounds || box.clientWidth === 0) return;
    const [width, height] = [bounds[2] - bounds[0], bounds[3] - bounds[1]];
    const scale = Math.max(fitMinScale, Math.min(1, (box.clientWidth - 2 * fitMargin) / width, (box.clientHeight - 2 * fitMargin) / height));
    // Centred where it fits; from the top left where even the smallest scale leaves it larger than the view.
    const left = Math.max(fitMargin, (box.clientWidth - width * scale) / 2);
    const top = Math.max(fitMargin, (box.clientHeight - height * scale) / 2);
    canvas.ds.scale = scale;
    canvas.ds.offset = [left / scale - bounds[0], top / scale - bounds[1]];
    fitted = { scale, x: canvas.ds.offset[0], y: canvas.ds.offset[1] };
    canvas.setDirty(true, true);
  }

  /** Whether the view is as the last fit left it (or was never fitted): the user has not zoomed or scrolled since. */
  const untouched = () => !fitted || (canvas?.ds.scale === fitted.scale && canvas.ds.offset[0] === fitted.x && canvas.ds.offset[1] === fitted.y);

  /** The file name and picture of each node that reads a file the user gives. */
  function showMedia() {
    const document = props.store.document();
    for (const [id, entry] of Object.entries(document.nodes)) {
      const node = shownNode(graph, id);
      const params = props.registry.get(entry.type)?.params ?? {};
      const param = Object.entries(params).find(([, spec]) => spec.kind === 'file' && spec.role === 'input');
      if (!node || !param) continue;
      const [name, spec] = param;
      const value = entry.params[name];
      const file = typeof value === 'string' ? value : '';
      const prompt = spec.kind === 'file' && spec.accept === 'video' ? 'no video yet: pick or drop one' : 'no picture yet: pick or drop one';
      setNodeMedia(node, { file, prompt, picture: thumbnails.get(file) });
    }
    canvas?.setDirty(true, true);
  }

  const onKey = (event: KeyboardEvent) => {
    if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key !== 'f' && event.key !== 'F' && event.key !== '.') return;
    event.preventDefault();
    fitView();
  };

  /** Where graph point (x, y) is on the canvas element, in CSS pixels. */
  const toScreen = (x: number, y: number): [number, number] => {
    const view = canvas!.ds;
    return [(x + view.offset[0]) * view.scale, (y + view.offset[1]) * view.scale];
  };

  onMount(() => {
    registerNodeTypes(props.registry, { refused: props.notify });
    canvas = new LGraphCanvas(element, graph);
    canvas.show_info = false;
    // No frame around the canvas's first screenful (litegraph's debugging aid), and titles and port names drawn down
    // to the scale that fits a preset into a laptop's view.
    canvas.render_canvas_border = false;
    canvas.low_quality_zoom_threshold = plainBelowScale;
    canvas.onNodeSelected = (node: LGraphNode) => props.store.select(documentIdOf(node));
    graph.onAfterChange = () => queueMicrotask(sync);
    // Moves end with the pointer; deletions and pastes come from keys.
    element.addEventListener('pointerup', () => queueMicrotask(sync));
    element.addEventListener('keyup', () => queueMicrotask(sync));
    window.addEventListener('keydown', onKey);
    const resize = new ResizeObserver(() => {
      const keep = untouched();
      canvas?.resize(box.clientWidth, box.clientHeight);
      if (keep) fitView();
    });
    resize.observe(box);
    // A graph opened before the canvas was made.
    fitView();
    onCleanup(() => {
      resize.disconnect();
      window.removeEventListener('keydown', onKey);
    });
    props.ref?.({
      add(type) {
        const view = canvas!.ds;
        const centre: [number, number] = [box.clientWidth / 2 / view.scale - view.offset[0], box.clientHeight / 2 / view.scale - view.offset[1]];
        const document = props.store.document();
        const node = addNodeNear(graph, type, centre, freshId(type, document.nodes, document));
        sync();
        if (node) {
          canvas!.selectNode(node);
          props.store.select(documentIdOf(node));
        }
        showMedia();
      },
      duplicate() {
        const copies = duplicateNodes(graph, Object.values(canvas!.selected_nodes), props.store.document());
        sync();
        if (copies.length > 0) canvas!.selectNodes(copies);
        showMedia();
      },
      fit: fitView,
      nodeCount: () => graph._nodes.length,
      nodeAt(event) {
        const [x = 0, y = 0] = canvas!.convertEventToCanvasOffset(event);
        const view = canvas!.ds;
        const node = graph.getNodeOnPos(x / view.scale - view.offset[0], y / view.scale - view.offset[1]);
        return node ? documentIdOf(node) : undefined;
      },
      layout() {
        const scale = canvas!.ds.scale;
        const nodes: Record<string, NodeBox> = {};
        for (const node of graph._nodes as LGraphNode[]) {
          const [x = 0, y = 0, width = 0, height = 0] = node.boundingRect;
          const [left, top] = toScreen(x, y);
          const { media, pictureBox } = nodeMediaOf(node);
          const picture = pictureBox && toScreen(node.pos[0] + pictureBox[0], node.pos[1] + pictureBox[1]);
          nodes[documentIdOf(node)] = {
            box: [left, top, width * scale, height * scale],
            ...(media ? { file: media.file } : {}),
            ...(picture && pictureBox ? { picture: [picture[0], picture[1], pictureBox[2] * scale, pictureBox[3] * scale] } : {}),
            ...(node.color === workingColour ? { working: true } : {}),
          };
        }
        return { width: box.clientWidth, height: box.clientHeight, nodes };
      },
    });
  });

  /** Shows the document afresh, fitted into the view where `fit` says so. */
  function show(fit: boolean) {
    showing = true;
    try {
      showDocument(graph, props.store.document());
    } finally {
      showing = false;
    }
    showMedia();
    if (fit) fitView();
    markProblems();
  }

  /** Whether the canvas shows the document's nodes and edges (it may lag behind an edit made elsewhere: a drop). */
  function showsDocument(): boolean {
    const document = props.store.document();
    const ids = (graph._nodes as LGraphNode[]).map(documentIdOf);
    return ids.length === Object.keys(document.nodes).length && ids.every((id) => Object.hasOwn(document.nodes, id)) && graph.links.size === document.edges.length;
  }

  // A newly loaded document (open, undo, redo) replaces what the canvas shows, fitted into the view.
  createEffect(on(props.store.generation, () => show(true)));
  createEffect(on(props.store.problems, () => markProblems()));
  createEffect(on(() => props.badges?.(), () => markProblems()));
  createEffect(on(() => props.working?.(), () => markProblems()));
  // An edit made elsewhere that adds or removes nodes (a picture dropped on an empty graph gets its node) shows at
  // once, leaving the view as it is unless the canvas was empty; a file chosen or dropped shows on its node.
  createEffect(
    on(
      props.store.document,
      () => {
        if (showsDocument()) showMedia();
        else show(graph._nodes.length === 0);
      },
      { defer: true },
    ),
  );

  function markProblems() {
    const broken = new Set(props.store.problems().map(problemNode));
    const working = new Set(props.working?.() ?? []);
    for (const id of Object.keys(props.store.document().nodes)) {
      const node = shownNode(graph, id);
      if (!node) continue;
      node.has_errors = broken.has(id);
      node.bgcolor = broken.has(id) ? '#5a2323' : undefined;
      // A broken node keeps its red; a working one lights its title bar, so a slow node shows where the time goes.
      node.color = broken.has(id) ? '#a33' : working.has(id) ? workingColour : undefined;
    }
    showModelBadges(graph, props.badges?.());
    canvas?.setDirty(true, true);
  }

  return (
    <div class="graph-canvas" ref={box}>
      <canvas ref={element} tabindex="0" data-testid="graph-canvas" />
    </div>
  );
}
