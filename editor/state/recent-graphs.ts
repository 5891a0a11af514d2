import { createStore, get, set } from 'idb-keyval';
import type { GraphDocument } from '../../runtime/graph/document.ts';

export interface RecentGraph {
  title: string;
  savedAt: number;
  document: GraphDocument;
}

/** How many graphs the list keeps. */
const keep = 12;
const store = () => createStore('vivify-editor', 'graphs');

/** Graphs saved in this browser, newest first (IndexedDB: they survive reloads). */
export async function recentGraphs(): Promise<RecentGraph[]> {
  return (await get<RecentGraph[]>('recent', store())) ?? [];
}

/** Records a saved graph at the top of the list; an earlier entry of the same title gives way. */
export async function rememberGraph(document: GraphDocument): Promise<RecentGraph[]> {
  const title = document.meta.title || 'Untitled graph';
  const entry: RecentGraph = { title, savedAt: Date.now(), document };
  const list = [entry, ...(await recentGraphs()).filter((recent) => recent.title !== title)].slice(0, keep);
  await set('recent', list, store());
  return list;
}
