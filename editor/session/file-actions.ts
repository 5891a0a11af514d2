import { createSignal } from 'solid-js';
import type { GraphDocument } from '../../runtime/graph/document.ts';
import type { NodeRegistry } from '../../runtime/registry.ts';
import type { EditorStore } from '../state/editor-store.ts';
import { mediaKind, placeDroppedFile } from '../state/dropped-files.ts';
import { openedMessage, titleStem } from '../state/graph-file.ts';
import type { RecentGraph } from '../state/recent-graphs.ts';
import { graphFromLink, shareLink } from '../state/share-link.ts';

/** The files behind file parameters: in the page, the ones the user gave (and the exports made there) by name. */
export interface SessionFiles {
  /** Registers a file the user gave; returns what its file parameter holds. */
  add(file: File): string;
  /** The file a parameter names, or an export made under that name. */
  get(name: string): Blob;
}

/** Where saved graphs are kept, newest first (in the page: IndexedDB). */
export interface RecentGraphStore {
  list(): Promise<RecentGraph[]>;
  remember(document: GraphDocument): Promise<RecentGraph[]>;
}

/** What the browser does that a headless session hands to its caller: offering a file, the clipboard. */
export interface SessionOutlets {
  files: SessionFiles;
  recent: RecentGraphStore;
  /** Offers a made file to the user (in the page: a download). */
  download(name: string, blob: Blob): void;
  /** Puts text on the clipboard, where there is one. */
  copy(text: string): void;
}

/** Graphs and media in and out of the session: opened, dropped, picked, saved, shared. */
/** Model files dropped on the node that needs them: imported into the model store (model-status.ts). */
export interface DroppedModels {
  takes(file: File): boolean;
  importFile(file: File, onNode: string | undefined): Promise<void>;
}

export function createFileActions(store: EditorStore, registry: NodeRegistry, outlets: SessionOutlets, setMessage: (text: string) => void, models?: DroppedModels) {
  const [recent, setRecent] = createSignal<RecentGraph[]>([]);
  const [shared, setShared] = createSignal('');
  const graphFileName = () => `${titleStem(store.document().meta.title, 'graph')}.json`;

  function openText(name: string, text: string): void {
    // A file that is no graph leaves the graph shown, and its undo history, as they were.
    setMessage(openedMessage(name, store.open(text)));
  }

  async function openFile(file: File): Promise<void> {
    openText(file.name, await file.text());
  }

  /**
   * Files dropped on the editor: a graph file opens; a picture or a video goes to the node it lands on (`onNode`), else
   * to the graph's input for it; a model file is imported for the node it lands on. Resolves once the graph files have
   * opened and the model files are imported or refused.
   */
  function drop(files: readonly File[], onNode: string | undefined): Promise<void> {
    const opening: Promise<void>[] = [];
    for (const file of files) {
      if (file.name.endsWith('.json')) {
        opening.push(openFile(file));
        continue;
      }
      if (models?.takes(file)) {
        opening.push(models.importFile(file, onNode));
        continue;
      }
      const kind = mediaKind(file);
      // A picture or video no node takes gets a source node of its own (dropped-files.ts).
      const placed = kind && placeDroppedFile(store.document(), registry, kind, onNode, outlets.files.add(file));
      if (!placed) {
        setMessage(`${file.name}: not a picture or video this graph takes`);
        continue;
      }
      store.edit(placed.document);
      setMessage(`${file.name} → ${placed.nodeId}.${placed.param}`);
    }
    return Promise.all(opening).then(() => undefined);
  }

  /** The graph's command-line inputs that take a file the user gives (`--source`, `--driving`), with the parameter each sets. */
  const graphInputs = (): [name: string, target: string][] =>
    Object.entries(store.document().inputs).filter(([, target]) => {
      const [nodeId, param] = target.split('.') as [string, string];
      const spec = registry.get(store.document().nodes[nodeId]?.type ?? '')?.params[param];
      return spec?.kind === 'file' && spec.role === 'input';
    });

  /** A file picked for one of the graph's inputs. */
  function setInputFile(input: string, file: File): void {
    const target = store.document().inputs[input];
    if (!target) return;
    const [nodeId, param] = target.split('.') as [string, string];
    store.setParam(nodeId, param, outlets.files.add(file));
  }

  /** Remembers the graph among the recent ones and offers its file (the same format the CLI reads). */
  function save(): Promise<void> {
    const remembered = outlets.recent.remember(store.document()).then((list) => void setRecent(list));
    const text = `${JSON.stringify(store.document(), null, 2)}\n`;
    outlets.download(graphFileName(), new Blob([text], { type: 'application/json' }));
    store.markSaved();
    return remembered;
  }

  /** A link that opens this graph (`base`: the editor's address), copied and shown. */
  function share(base: string): string {
    const link = shareLink(store.document(), base);
    setShared(link);
    outlets.copy(link);
    setMessage('share link copied');
    return link;
  }

  /** Opens the graph a shared link's fragment carries, if it has one. */
  function openLink(hash: string): void {
    const text = graphFromLink(hash);
    if (!text) return;
    const outcome = store.open(text);
    setMessage(outcome.opened ? 'opened the shared graph' : openedMessage('the shared link', outcome));
  }

  return {
    recent,
    loadRecent: (): Promise<void> => outlets.recent.list().then((list) => void setRecent(list)),
    shared,
    graphFileName,
    openText,
    openFile,
    drop,
    graphInputs,
    setInputFile,
    addFile: (file: File) => outlets.files.add(file),
    save,
    share,
    openLink,
  };
}
