import { LGraphBadge, type LGraph } from '@comfyorg/litegraph';
import type { NodeBadge } from '../session/model-status.ts';
import { shownNode } from './litegraph-bridge.ts';

const toneColours: Record<NodeBadge['tone'], string> = { error: '#a33', working: '#35557a' };

/**
 * Draws each node's model mark (editor/session/model-status.ts's `nodeBadges`) as a litegraph badge above its title
 * bar; nodes without one lose theirs. Where litegraph shows no tooltip, the whole sentence is the status line's.
 */
export function showModelBadges(graph: LGraph, badges: ReadonlyMap<string, NodeBadge> | undefined): void {
  for (const node of graph._nodes) node.badges = [];
  for (const [id, badge] of badges ?? []) {
    const node = shownNode(graph, id);
    if (node) node.badges = [new LGraphBadge({ text: badge.text, bgColor: toneColours[badge.tone] })];
  }
}
