import { LGraph, LGraphGroup, LGraphNode, LiteGraph } from '@comfyorg/litegraph';
import type { GraphDocument } from '../../runtime/graph/document.ts';
import type { AnyNodeDefinition } from '../../runtime/node-definition.ts';
import { canConnect, portTypes, type PortType } from '../../runtime/port-types.ts';
import type { NodeRegistry } from '../../runtime/registry.ts';
import { drawMedia, mediaLayout, type NodeMedia } from './node-media.ts';
import { drawTitle, titleFitWidth } from './node-title.ts';
import { freeSpot, type Rect } from './placement.ts';

/*
 * The graph document is the editor's source of truth; litegraph draws it and lets the user move, wire and delete
 * nodes. After each change on the canvas the document is read back from litegraph (ids, positions, edges), keeping
 * the document's parameters, metadata, inputs and models.
 */

/** Where a litegraph node keeps the document id of the node it shows. */
const idProperty = 'vivifyId';
/** A node made by duplicating another: the id whose parameters it starts with. */
const copyProperty = 'vivifyCopyOf';
/** The narrowest a node is drawn. */
const minNodeWidth = 200;

/** A node that reads a file, as the bridge draws it: the file's name and picture under its ports. */
interface MediaNode {
  vivifyMedia?: NodeMedia;
  /** The height of the node's ports, where the file's name starts. */
  vivifySlotsHeight?: number;
  /** Where the picture was last drawn, in the node's coordinates (what tests read). */
  vivifyPictureBox?: readonly [number, number, number, number];
}

export interface BridgeEvents {
  /** A connection the port types forbid, with the sentence to show. */
  refused(message: string): void;
}

/** One litegraph node class per node type, generated from the registry: no second list of nodes. */
export function registerNodeTypes(registry: NodeRegistry, events: BridgeEvents): void {
  for (const definition of registry.list()) {
    if (LiteGraph.registered_node_types[definition.type]) continue;
    LiteGraph.registerNodeType(definition.type, nodeClass(definition, events));
  }
}

function nodeClass(definition: AnyNodeDefinition, events: BridgeEvents): typeof LGraphNode {
  const inputs = Object.entries(definition.inputs);
  const outputs = Object.entries(definition.outputs);
  return class extends LGraphNode {
    static override title = definition.title;
    static override category = definition.category;

    constructor(title?: string) {
      super(title ?? definition.title, definition.type);
      // Ports accept anything in litegraph's own check: the runtime's rule decides in onConnectInput, with a message.
      for (const [name, spec] of inputs) {
        const slot = this.addInput(name, '*');
        Object.assign(slot, { color_on: portTypes[spec.type].color, color_off: portTypes[spec.type].color, label: name, portType: spec.type });
      }
      for (const [name, spec] of outputs) {
        const slot = this.addOutput(name, '*');
        Object.assign(slot, { color_on: portTypes[spec.type].color, color_off: portTypes[spec.type].color, label: name, portType: spec.type });
      }
      this.properties[idProperty] = '';
      this.size = [Math.max(minNodeWidth, this.size[0], titleFitWidth(this.title)), this.size[1]];
      (this as MediaNode).vivifySlotsHeight = this.size[1];
    }

    override onDrawTitleText = drawTitle;

    override onDrawForeground(ctx: CanvasRenderingContext2D): void {
      const node = this as MediaNode;
      if (node.vivifyMedia) node.vivifyPictureBox = drawMedia(ctx, this.size[0], node.vivifySlotsHeight ?? 0, node.vivifyMedia);
    }

    override onConnectInput(targetSlot: number, _type: unknown, output: unknown, source: unknown): boolean {
      const to = inputs[targetSlot]?.[1].type;
      const from = (output as { portType?: PortType }).portType;
      if (!to || !from || canConnect(from, to)) return true;
      const sourceTitle = (source as LGraphNode).title;
      events.refused(`${sourceTitle}'s ${portTypes[from].title.toLowerCase()} output cannot feed ${definition.title}'s ${portTypes[to].title.toLowerCase()} input "${inputs[targetSlot]![0]}"`);
      return false;
    }
  };
}

/** Replaces what litegraph shows with the document's nodes and edges. */
export function showDocument(graph: LGraph, document: GraphDocument): void {
  graph.clear();
  const byId = new Map<string, LGraphNode>();
  let column = 0;
  for (const [id, node] of Object.entries(document.nodes)) {
    const known = LiteGraph.createNode(node.type);
    const shown = known ?? unknownNode(node.type, document, id);
    shown.properties[idProperty] = id;
    labelNode(shown);
    const pos = (node.ui as { pos?: [number, number] } | undefined)?.pos;
    shown.pos = pos ? [pos[0], pos[1]] : [40 + 260 * column++, 40];
    graph.add(shown);
    byId.set(id, shown);
  }
  for (const edge of document.edges) {
    const from = byId.get(edge.from[0]);
    const to = byId.get(edge.to[0]);
    if (!from || !to) continue;
    const outputSlot = from.outputs.findIndex((slot) => slot.name === edge.from[1]);
    const inputSlot = to.inputs.findIndex((slot) => slot.name === edge.to[1]);
    if (outputSlot >= 0 && inputSlot >= 0) from.connect(outputSlot, to, inputSlot);
  }
  colorLinks(graph);
  for (const group of document.groups ?? []) {
    const shown = new LGraphGroup(group.title);
    shown.pos = [group.bounds[0], group.bounds[1]];
    shown.size = [group.bounds[2], group.bounds[3]];
    if (group.color) shown.color = group.color;
    graph.add(shown);
  }
}

/** Titles a node with its document id and what it is ("f2f: Face2Face expression transfer"), wide enough to show it whole. */
export function labelNode(node: LGraphNode): void {
  const id = documentIdOf(node);
  const what = (node.constructor as { title?: string }).title ?? node.title;
  node.title = !id || id === node.type ? what : `${id}: ${what}`;
  node.size = [Math.max(node.size[0], titleFitWidth(node.title)), node.size[1]];
}

/**
 * A node of a type this editor does not know (a newer Vivify's, a misspelling): shown greyed, with the ports its
 * edges name, so the graph opens whole and the problem list says what is wrong.
 */
function unknownNode(type: string, document: GraphDocument, id: string): LGraphNode {
  const node = new LGraphNode(`unknown type "${type}"`, type);
  for (const edge of document.edges) {
    if (edge.to[0] === id && !node.inputs.some((slot) => slot.name === edge.to[1])) node.addInput(edge.to[1], '*');
    if (edge.from[0] === id && !node.outputs.some((slot) => slot.name === edge.from[1])) node.addOutput(edge.from[1], '*');
  }
  node.bgcolor = '#3a3a3a';
  node.onDrawTitleText = drawTitle;
  return node;
}

/** Wires take the colour of the type they carry (litegraph's own slot types are all "*", see nodeClass). */
export function colorLinks(graph: LGraph): void {
  for (const link of graph.links.values()) {
    const type = (graph.getNodeById(link.origin_id)?.outputs[link.origin_slot] as { portType?: PortType } | undefined)?.portType;
    if (type) link.color = portTypes[type].color;
  }
}

/** The rectangle the nodes cover, in graph coordinates: [left, top, right, bottom]. */
export function graphBounds(graph: LGraph): [number, number, number, number] | undefined {
  const nodes = graph._nodes as LGraphNode[];
  if (nodes.length === 0) return undefined;
  const titleHeight = LiteGraph.NODE_TITLE_HEIGHT;
  return [
    Math.min(...nodes.map((node) => node.pos[0])),
    Math.min(...nodes.map((node) => node.pos[1] - titleHeight)),
    Math.max(...nodes.map((node) => node.pos[0] + node.size[0])),
    Math.max(...nodes.map((node) => node.pos[1] + node.size[1])),
  ];
}

/** The document as the canvas now has it: litegraph's nodes, positions and wires, the document's everything else. */
export function documentFromGraph(graph: LGraph, previous: GraphDocument, registry: NodeRegistry): GraphDocument {
  const nodes: GraphDocument['nodes'] = {};
  const idOf = new Map<LGraphNode['id'], string>();
  for (const shown of graph._nodes as LGraphNode[]) {
    let id = String(shown.properties[idProperty] ?? '');
    // A node added on the canvas gets a fresh id from its type.
    if (!id || nodes[id]) id = freshId(shown.type, nodes, previous);
    shown.properties[idProperty] = id;
    idOf.set(shown.id, id);
    const copyOf = shown.properties[copyProperty];
    delete shown.properties[copyProperty];
    const before = previous.nodes[id] ?? (typeof copyOf === 'string' ? previous.nodes[copyOf] : undefined);
    const definition = registry.get(shown.type);
    nodes[id] = {
      type: shown.type,
      typeVersion: before?.typeVersion ?? definition?.version ?? 1,
      params: before?.params ?? {},
      ui: { ...(before?.ui as object | undefined), pos: [Math.round(shown.pos[0]), Math.round(shown.pos[1])] },
    };
  }
  const edges: GraphDocument['edges'] = [];
  for (const link of graph.links.values()) {
    const from = graph.getNodeById(link.origin_id);
    const to = graph.getNodeById(link.target_id);
    if (!from || !to) continue;
    edges.push({ from: [idOf.get(from.id)!, from.outputs[link.origin_slot]!.name], to: [idOf.get(to.id)!, to.inputs[link.target_slot]!.name] });
  }
  // Command-line inputs that point at a removed node go with it.
  const inputs = Object.fromEntries(Object.entries(previous.inputs).filter(([, target]) => nodes[target.split('.')[0]!]));
  const groups = graph._groups.map((group) => ({
    title: group.title,
    bounds: [group.pos[0], group.pos[1], group.size[0], group.size[1]].map(Math.round) as [number, number, number, number],
    ...(group.color ? { color: group.color } : {}),
  }));
  const { groups: _previousGroups, ...rest } = previous;
  return { ...rest, nodes, edges, inputs, ...(groups.length > 0 ? { groups } : {}) };
}

/** The litegraph node showing document node `id`. */
export function shownNode(graph: LGraph, id: string): LGraphNode | undefined {
  return (graph._nodes as LGraphNode[]).find((node) => node.properties[idProperty] === id);
}

/** Adds a node of `type` at `pos` (graph coordinates); it joins the document at the next read-back, with a fresh id. */
export function addNode(graph: LGraph, type: string, pos: [number, number]): LGraphNode | undefined {
  const node = LiteGraph.createNode(type);
  if (!node) return undefined;
  node.pos = pos;
  graph.add(node);
  return node;
}

/**
 * Adds a node of `type` in the free place nearest `centre` (graph coordinates), clear of the nodes there. Given the
 * `id` the document will know it by, it is titled with it first, so that its place fits its whole title.
 */
export function addNodeNear(graph: LGraph, type: string, centre: readonly [number, number], id?: string): LGraphNode | undefined {
  const node = LiteGraph.createNode(type);
  if (!node) return undefined;
  if (id) {
    node.properties[idProperty] = id;
    labelNode(node);
  }
  const title = LiteGraph.NODE_TITLE_HEIGHT;
  const [x, y] = freeSpot(nodeRects(graph), [node.size[0], node.size[1] + title], centre);
  node.pos = [x, y + title];
  graph.add(node);
  return node;
}

/** The rectangles the nodes cover, title bars included, in graph coordinates. */
export function nodeRects(graph: LGraph): Rect[] {
  const title = LiteGraph.NODE_TITLE_HEIGHT;
  return (graph._nodes as LGraphNode[]).map((node) => [node.pos[0], node.pos[1] - title, node.size[0], node.size[1] + title]);
}

/** Copies of `nodes` beside them, each in the free place nearest its original, starting with their parameters (wires are not copied). */
export function duplicateNodes(graph: LGraph, nodes: LGraphNode[], document: GraphDocument): LGraphNode[] {
  const taken: GraphDocument['nodes'] = {};
  return nodes.flatMap((node) => {
    const id = freshId(node.type, taken, document);
    const copy = addNodeNear(graph, node.type, [node.pos[0] + node.size[0] / 2 + 40, node.pos[1] + node.size[1] / 2 + 40], id);
    if (!copy) return [];
    taken[id] = document.nodes[documentIdOf(node)]!;
    copy.properties[copyProperty] = documentIdOf(node);
    return [copy];
  });
}

/** Shows a file's name and picture in a node that reads one (the node grows to hold them); undefined shows none. */
export function setNodeMedia(node: LGraphNode, media: NodeMedia | undefined): void {
  const shown = node as LGraphNode & MediaNode;
  if (shown.vivifySlotsHeight === undefined) return;
  shown.vivifyMedia = media;
  if (!media) shown.vivifyPictureBox = undefined;
  const height = media ? mediaLayout(node.size[0], shown.vivifySlotsHeight, media.picture).height : shown.vivifySlotsHeight;
  node.size = [node.size[0], height];
}

/** What a node shows of its file: the media given, and the picture's box where it was last drawn. */
export function nodeMediaOf(node: LGraphNode): { media: NodeMedia | undefined; pictureBox: readonly [number, number, number, number] | undefined } {
  const shown = node as LGraphNode & MediaNode;
  return { media: shown.vivifyMedia, pictureBox: shown.vivifyPictureBox };
}

export function documentIdOf(node: LGraphNode): string {
  return String(node.properties[idProperty] ?? '');
}

export function freshId(type: string, taken: GraphDocument['nodes'], previous: GraphDocument): string {
  const base = type.replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase());
  for (let n = 1; ; n++) {
    const id = n === 1 ? base : `${base}${n}`;
    if (!taken[id] && !previous.nodes[id]) return id;
  }
}
