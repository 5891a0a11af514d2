import { createSignal } from 'solid-js';
import type { GraphDocument } from '../../runtime/graph/document.ts';
import type { Host, UploadedFile } from '../../runtime/host.ts';
import type { ModelNeed, ModelProblem } from '../../runtime/model-problem.ts';
import { defaultParams, type ParamValue } from '../../runtime/params.ts';
import type { NodeRegistry } from '../../runtime/registry.ts';

/**
 * Whether the models the graph's nodes need are installed, asked of the host (in the page: its server's model store)
 * as soon as a graph opens or a node comes to need another model, not only when a preview fails. A node whose model is
 * missing is marked with the way to get it; a model file dropped on it is imported through the host, checked as
 * `vivify models import` checks it, and the mark clears.
 */

/** What the session asks of its host about models: the CLI's check, and the editor's import. */
export type ModelAccess = Pick<Host, 'modelProblem' | 'importModelFile'>;

export type ModelCheck =
  | { state: 'checking' }
  | { state: 'installed' }
  | { state: 'missing'; problem: ModelProblem }
  | { state: 'importing'; file: string; problem?: ModelProblem };

/** What is known of each model need, by `needKey`. */
export type ModelStatus = ReadonlyMap<string, ModelCheck>;

/** A mark for a node's title bar: short text, and whether it is a problem or work under way. */
export interface NodeBadge {
  text: string;
  tone: 'error' | 'working';
  /** The whole sentence (the CLI's), for a tooltip or the inspector. */
  detail: string;
}

/** One key per model and what it is needed for: a model no catalog knows is made one way for one task, another for another. */
export const needKey = (need: ModelNeed) => `${need.task ?? ''}\u0000${need.model}`;

/** The models a node needs with its parameters as the document has them (defaults filled in), and what for. */
export function nodeModelNeeds(document: GraphDocument, nodeId: string, registry: NodeRegistry): ModelNeed[] {
  const node = document.nodes[nodeId];
  const definition = node ? registry.get(node.type) : undefined;
  if (!node || !definition?.models) return [];
  const params = { ...defaultParams(definition.params), ...(node.params as Record<string, ParamValue>) };
  let models: unknown[];
  try {
    models = definition.models(params as never);
  } catch {
    // Parameters the problem list already names: nothing to check until they are fixed.
    return [];
  }
  return models.filter((model): model is string => typeof model === 'string' && model.length > 0).map((model) => ({ model, task: definition.modelTask }));
}

/** Every model need of the document, once each. */
export function documentModelNeeds(document: GraphDocument, registry: NodeRegistry): ModelNeed[] {
  const needs = new Map<string, ModelNeed>();
  for (const id of Object.keys(document.nodes)) for (const need of nodeModelNeeds(document, id, registry)) needs.set(needKey(need), need);
  return [...needs.values()];
}

/** The first words of a command, up to its placeholders and options: "vivify train deepfakes". */
function commandHead(command: string): string {
  const words = command.split(' ');
  const end = words.findIndex((word) => word.startsWith('<') || word.startsWith('--'));
  return words.slice(0, end < 0 ? undefined : end).join(' ');
}

function problemBadge(problem: ModelProblem): NodeBadge {
  const command = problem.command ? commandHead(problem.command) : '';
  const text =
    problem.remedy === 'unknown' || !command
      ? `unknown model "${problem.model}"`
      : problem.remedy === 'import'
        ? `model missing: drop its file here, or ${command}`
        : `model missing: ${command}`;
  return { text, tone: 'error', detail: problem.message };
}

/**
 * The marks the nodes of `document` carry for their models, by node id: a missing model with the way to get it, an
 * import under way. Nodes whose models are installed, or not checked yet, carry none. Pure: the canvas draws it.
 */
export function nodeBadges(document: GraphDocument, status: ModelStatus, registry: NodeRegistry): Map<string, NodeBadge> {
  const badges = new Map<string, NodeBadge>();
  for (const id of Object.keys(document.nodes)) {
    const marks: NodeBadge[] = [];
    for (const need of nodeModelNeeds(document, id, registry)) {
      const check = status.get(needKey(need));
      if (check?.state === 'missing') marks.push(problemBadge(check.problem));
      else if (check?.state === 'importing') marks.push({ text: `importing ${check.file}…`, tone: 'working', detail: `importing ${check.file} into the model store as "${need.model}"` });
    }
    const [first] = marks;
    if (!first) continue;
    badges.set(id, marks.length === 1 ? first : { text: marks.map((mark) => mark.text).join(' · '), tone: marks.some((mark) => mark.tone === 'error') ? 'error' : 'working', detail: marks.map((mark) => mark.detail).join('\n') });
  }
  return badges;
}

/** Model files a drop imports rather than opens: ONNX files, and PyTorch checkpoints to convert. */
export const isModelFile = (file: { name: string }) => /\.(onnx|pth|pt)$/i.test(file.name);

export interface ModelStatusOptions {
  store: { document(): GraphDocument; generation(): number };
  registry: NodeRegistry;
  access: ModelAccess;
  setMessage(text: string): void;
}

/** The session's knowledge of which models are installed, and the import of dropped model files. */
export function createModelStatus(options: ModelStatusOptions) {
  const { store, registry, access, setMessage } = options;
  const [status, setStatus] = createSignal<ModelStatus>(new Map());
  let checkedGeneration: number | undefined;

  const update = (key: string, check: ModelCheck | undefined) =>
    setStatus((current) => {
      const next = new Map(current);
      if (check) next.set(key, check);
      else next.delete(key);
      return next;
    });

  async function ask(need: ModelNeed): Promise<ModelCheck> {
    try {
      const problem = await access.modelProblem(need.model, need.task);
      return problem ? { state: 'missing', problem } : { state: 'installed' };
    } catch (error) {
      return { state: 'missing', problem: { model: need.model, message: error instanceof Error ? error.message : String(error), remedy: 'unknown' } };
    }
  }

  /** Asks about the document's models: those not known yet, or (`again`) all of them; marks stay until each answer. */
  async function askAbout(again: boolean): Promise<void> {
    const asking = documentModelNeeds(store.document(), registry).filter((need) => {
      const known = status().get(needKey(need));
      return again ? known?.state !== 'importing' : !known;
    });
    for (const need of asking) if (!status().has(needKey(need))) update(needKey(need), { state: 'checking' });
    await Promise.all(
      asking.map(async (need) => {
        const answer = await ask(need);
        // An import that began meanwhile has the last word.
        if (status().get(needKey(need))?.state !== 'importing') update(needKey(need), answer);
      }),
    );
  }

  /**
   * Asks about every model the document needs that is not known yet; a newly opened graph is asked about afresh (a
   * model may have been pulled meanwhile). Cheap when nothing is new: the page calls it after every change.
   */
  function check(): Promise<void> {
    const opened = store.generation() !== checkedGeneration;
    checkedGeneration = store.generation();
    return askAbout(opened);
  }

  /** Asks again about every model the document needs: the page does when it gets the focus back (after a pull in a terminal). */
  function recheck(): Promise<void> {
    return askAbout(true);
  }

  /**
   * A model file dropped on node `onNode` (or, dropped elsewhere, on the graph where one node alone lacks its model):
   * imported into the store as that node's model; the node is checked again once it is in.
   */
  async function importFile(file: UploadedFile, onNode: string | undefined): Promise<void> {
    const document = store.document();
    const missing = (id: string) => nodeModelNeeds(document, id, registry).some((need) => status().get(needKey(need))?.state === 'missing');
    const candidates = onNode !== undefined ? [onNode] : Object.keys(document.nodes).filter(missing);
    const nodeId = candidates.length === 1 ? candidates[0]! : undefined;
    const needs = nodeId !== undefined ? nodeModelNeeds(document, nodeId, registry) : [];
    const need = needs.length === 1 ? needs[0]! : needs.find((each) => status().get(needKey(each))?.state === 'missing');
    if (!need) {
      setMessage(
        nodeId !== undefined
          ? `${file.name}: ${nodeId} needs no model file; drop it on the node that needs it`
          : `${file.name}: drop a model file on the node that needs it`,
      );
      return;
    }
    if (!access.importModelFile) {
      setMessage(`${file.name}: this editor cannot import models; run vivify models import ${need.model} ${file.name}`);
      return;
    }
    const key = needKey(need);
    const before = status().get(key);
    update(key, { state: 'importing', file: file.name, problem: before?.state === 'missing' ? before.problem : undefined });
    setMessage(`${file.name}: importing into the model store as "${need.model}"…`);
    try {
      const lines = await access.importModelFile(need.model, need.task, file);
      setMessage(lines.join('\n'));
    } catch (error) {
      setMessage(error instanceof Error ? error.message : String(error));
    }
    // Whatever came of it, the store says now what the node has.
    update(key, { state: 'checking' });
    update(key, await ask(need));
  }

  return {
    /** What is known of each model need (the UI's signal). */
    status,
    /** The marks the nodes carry now: `nodeBadges` of the document and `status`. */
    badges: () => nodeBadges(store.document(), status(), registry),
    check,
    recheck,
    takes: isModelFile,
    importFile,
  };
}

export type ModelStatusHandle = ReturnType<typeof createModelStatus>;
