import { LGraph, LGraphCanvas, type LGraphNode } from '@comfyorg/litegraph';
import '@comfyorg/litegraph/style.css';
import { createEffect, on, onCleanup, onMount } from 'solid-js';
import type { NodeRegistry } from '../../runtime/registry.ts';
import { addNode, colorLinks, documentFromGraph, documentIdOf, duplicateNodes, graphBounds, registerNodeTypes, showDocument, shownNode } from '../graph/litegraph-bridge.ts';
import { problemNode } from '../state/graph-file.ts';
import type { EditorStore } from '../state/editor-store.ts';

export interface GraphCanvasProps {
  store: EditorStore;
  registry: NodeRegistry;
  /** A sentence for the user (a refused connection). */
  notify(message: string): void;
  ref?(handle: GraphCanvasHandle): void;
}

export interface GraphCanvasHandle {
  /** Adds a node of `type` in the middle of the view. */
  add(type: string): void;
  /** Duplicates the selected nodes. */
  duplicate(): void;
  /** How many nodes the canvas shows. */
  nodeCount(): number;
  /** The document id of the node at a pointer event's place, if any. */
  nodeAt(event: MouseEvent): string | undefined;
}

/** The litegraph canvas: draws the document and turns the user's moves, wires and deletions into document edits. */
export function GraphCanvas(props: GraphCanvasProps) {
  let element!: HTMLCanvasElement;
  let box!: HTMLDivElement;
  const graph = new LGraph();
  let canvas: LGraphCanvas | undefined;
  let showing = false;

  const sync = () => {
    if (showing) return;
    colorLinks(graph);
    props.store.edit(documentFromGraph(graph, props.store.document(), props.registry));
  };

  /** Scales and scrolls the canvas so that the whole graph shows. */
  function fitView() {
    const bounds = graphBounds(graph);
    if (!canvas || !bounds || box.clientWidth === 0) return;
    const margin = 24;
    // Below about 0.6 litegraph stops drawing titles and port names: rather scroll than shrink past legibility.
    const scale = Math.max(0.7, Math.min(1, (box.clientWidth - 2 * margin) / (bounds[2] - bounds[0]), (box.clientHeight - 2 * margin) / (bounds[3] - bounds[1])));
    canvas.ds.scale = scale;
    canvas.ds.offset = [margin / scale - bounds[0], margin / scale - bounds[1]];
  }

  onMount(() => {
    registerNodeTypes(props.registry, { refused: props.notify });
    canvas = new LGraphCanvas(element, graph);
    canvas.show_info = false;
    canvas.onNodeSelected = (node: LGraphNode) => props.store.select(documentIdOf(node));
    graph.onAfterChange = () => queueMicrotask(sync);
    // Moves end with the pointer; deletions and pastes come from keys.
    element.addEventListener('pointerup', () => queueMicrotask(sync));
    element.addEventListener('keyup', () => queueMicrotask(sync));
    const resize = new ResizeObserver(() => canvas?.resize(box.clientWidth, box.clientHeight));
    resize.observe(box);
    onCleanup(() => resize.disconnect());
    props.ref?.({
      add(type) {
        const view = canvas!.ds;
        const centre: [number, number] = [box.clientWidth / 2 / view.scale - view.offset[0] - 100, box.clientHeight / 2 / view.scale - view.offset[1] - 40];
        const node = addNode(graph, type, centre);
        sync();
        if (node) {
          canvas!.selectNode(node);
          props.store.select(documentIdOf(node));
        }
        canvas!.setDirty(true, true);
      },
      duplicate() {
        const copies = duplicateNodes(graph, Object.values(canvas!.selected_nodes));
        sync();
        if (copies.length > 0) canvas!.selectNodes(copies);
        canvas!.setDirty(true, true);
      },
      nodeCount: () => graph._nodes.length,
      nodeAt(event) {
        const [x = 0, y = 0] = canvas!.convertEventToCanvasOffset(event);
        const view = canvas!.ds;
        const node = graph.getNodeOnPos(x / view.scale - view.offset[0], y / view.scale - view.offset[1]);
        return node ? documentIdOf(node) : undefined;
      },
    });
  });

  // A newly loaded document (open, undo, redo) replaces what the canvas shows.
  createEffect(
    on(props.store.generation, () => {
      showing = true;
      try {
        showDocument(graph, props.store.document());
      } finally {
        showing = false;
      }
      fitView();
      markProblems();
    }),
  );
  createEffect(on(props.store.problems, () => markProblems()));

  function markProblems() {
    const broken = new Set(props.store.problems().map(problemNode));
    for (const id of Object.keys(props.store.document().nodes)) {
      const node = shownNode(graph, id);
      if (!node) continue;
      node.has_errors = broken.has(id);
      node.bgcolor = broken.has(id) ? '#5a2323' : undefined;
      node.color = broken.has(id) ? '#a33' : undefined;
    }
    canvas?.setDirty(true, true);
  }

  return (
    <div class="graph-canvas" ref={box}>
      <canvas ref={element} tabindex="0" data-testid="graph-canvas" />
    </div>
  );
}
