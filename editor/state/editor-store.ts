import { batch, createSignal } from 'solid-js';
import type { Problem } from '../../runtime/errors.ts';
import type { GraphDocument } from '../../runtime/graph/document.ts';
import type { ParamValue } from '../../runtime/params.ts';
import type { NodeRegistry } from '../../runtime/registry.ts';
import { checkDocument, emptyGraph, openGraphText, type OpenOutcome } from './graph-file.ts';

/** How many edits undo reaches back. */
const historyLimit = 200;

/**
 * The editor's state: the graph document (its single source of truth), the problems found in it, the selected node,
 * and undo/redo over whole documents (small JSON, so snapshots are simpler and safer than inverse operations).
 */
export function createEditorStore(registry: NodeRegistry) {
  const [document, setDocument] = createSignal<GraphDocument>(emptyGraph());
  const [problems, setProblems] = createSignal<Problem[]>([]);
  const [selected, setSelected] = createSignal<string | undefined>();
  /** Bumped when a whole new document is loaded: views that keep their own copy (the canvas) redraw from it. */
  const [generation, setGeneration] = createSignal(0);
  const undoStack: GraphDocument[] = [];
  const redoStack: GraphDocument[] = [];
  const [historySize, setHistorySize] = createSignal({ undo: 0, redo: 0 });
  const syncHistory = () => setHistorySize({ undo: undoStack.length, redo: redoStack.length });

  /** The graph as it was last opened or saved: anything else is work the page would lose if it closed. */
  let kept = JSON.stringify(emptyGraph());

  /** The last parameter edit, so that a slider's drag becomes one undo step rather than one per movement. */
  let lastParamEdit: { key: string; at: number } | undefined;

  /** Replaces the document with an edited one, as one undoable step (or as part of the step before: `merge`). */
  function edit(next: GraphDocument, merge = false): void {
    const current = document();
    if (JSON.stringify(current) === JSON.stringify(next)) return;
    if (!merge) {
      undoStack.push(current);
      if (undoStack.length > historyLimit) undoStack.shift();
    }
    redoStack.length = 0;
    batch(() => {
      setDocument(next);
      setProblems(checkDocument(next, registry));
      syncHistory();
    });
  }

  /**
   * Loads a graph file's text; its problems are shown, and a graph opens even when broken. Text that is no readable
   * graph at all (not JSON, not a Vivify graph) changes nothing, the undo history included: the outcome says why.
   */
  function open(text: string): OpenOutcome {
    const opened = openGraphText(text, registry);
    if (opened.document === undefined) return { opened: false, problem: opened.problem };
    load(opened.document, opened.problems);
    return { opened: true, problems: opened.problems };
  }

  /**
   * Shows another graph. Replacing one the user has is a step Undo takes back (a preset picked by mistake must not
   * cost the graph and its chosen files); the editor's first graph, over the empty one, is not.
   */
  function load(next: GraphDocument, found: Problem[] = checkDocument(next, registry)): void {
    lastParamEdit = undefined;
    kept = JSON.stringify(next);
    const current = document();
    if (Object.keys(current.nodes).length > 0 && JSON.stringify(current) !== kept) {
      undoStack.push(current);
      if (undoStack.length > historyLimit) undoStack.shift();
    }
    redoStack.length = 0;
    batch(() => {
      setDocument(next);
      setProblems(found);
      setSelected(undefined);
      setGeneration((n) => n + 1);
      syncHistory();
    });
  }

  function step(from: GraphDocument[], to: GraphDocument[]): void {
    lastParamEdit = undefined;
    const previous = from.pop();
    if (!previous) return;
    to.push(document());
    batch(() => {
      setDocument(previous);
      setProblems(checkDocument(previous, registry));
      setGeneration((n) => n + 1);
      syncHistory();
    });
  }

  function setParam(nodeId: string, name: string, value: ParamValue | undefined): void {
    const current = document();
    const node = current.nodes[nodeId];
    if (!node) return;
    const key = `${nodeId}.${name}`;
    const now = performance.now();
    const merge = lastParamEdit?.key === key && now - lastParamEdit.at < 1000 && undoStack.length > 0;
    lastParamEdit = { key, at: now };
    const params = { ...node.params };
    // Undefined resets to the default: the document then leaves the parameter out.
    if (value === undefined) delete params[name];
    else params[name] = value;
    edit({ ...current, nodes: { ...current.nodes, [nodeId]: { ...node, params } } }, merge);
  }

  return {
    document,
    problems,
    selected,
    select: setSelected,
    generation,
    historySize,
    edit,
    open,
    load,
    setParam,
    /** True where the graph has changed since it was opened or saved (undoing back to that graph counts as unchanged). */
    unsaved: () => JSON.stringify(document()) !== kept,
    /** The graph shown is now saved. */
    markSaved: () => {
      kept = JSON.stringify(document());
    },
    undo: () => step(undoStack, redoStack),
    redo: () => step(redoStack, undoStack),
  };
}

export type EditorStore = ReturnType<typeof createEditorStore>;
