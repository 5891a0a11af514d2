import { describe, expect, it } from 'vitest';
import { createRegistry } from '../../nodes/index.ts';
import type { GraphDocument } from '../../runtime/graph/document.ts';
import { documentModelNeeds, isModelFile, needKey, nodeBadges, type ModelCheck } from './model-status.ts';

const registry = createRegistry();

/** A graph with a face swap, a style, a reenactment left at its default model, and a node that needs none. */
const document: GraphDocument = {
  format: 'vivify.graph',
  version: 1,
  meta: {},
  nodes: {
    swap: { type: 'deepfakes', typeVersion: 1, params: { model: 'deepfakes' } },
    style: { type: 'cyclegan', typeVersion: 1, params: { model: 'my-style' } },
    reenact: { type: 'reenact', typeVersion: 1, params: {} },
    face: { type: 'face-landmarks', typeVersion: 1, params: {} },
  },
  edges: [],
  inputs: {},
  models: [],
};

const status = (entries: [model: string, task: string, check: ModelCheck][]) => new Map(entries.map(([model, task, check]) => [needKey({ model, task }), check]));

describe('nodeBadges', () => {
  it('knows what each node needs: its model parameter (or its default) and what for', () => {
    expect(documentModelNeeds(document, registry)).toEqual([
      { model: 'deepfakes', task: 'faceswap' },
      { model: 'my-style', task: 'style' },
      { model: 'liveportrait', task: 'reenact' },
    ]);
  });

  it('marks each node whose model is missing with the way to get it, and nothing else', () => {
    const badges = nodeBadges(
      document,
      status([
        ['deepfakes', 'faceswap', { state: 'missing', problem: { model: 'deepfakes', message: 'the whole sentence', remedy: 'train', command: 'vivify train deepfakes --a <faces> --b <faces> --out <dir> --name deepfakes' } }],
        ['my-style', 'style', { state: 'missing', problem: { model: 'my-style', message: 'another', remedy: 'import', command: 'vivify models import cyclegan <checkpoint.pth> --name my-style' } }],
        ['liveportrait', 'reenact', { state: 'missing', problem: { model: 'liveportrait', message: 'a third', remedy: 'pull', command: 'vivify models pull liveportrait --models-dir /tmp/store' } }],
      ]),
      registry,
    );
    expect(Object.fromEntries(badges)).toEqual({
      swap: { text: 'model missing: vivify train deepfakes', tone: 'error', detail: 'the whole sentence' },
      style: { text: 'model missing: drop its file here, or vivify models import cyclegan', tone: 'error', detail: 'another' },
      reenact: { text: 'model missing: vivify models pull liveportrait', tone: 'error', detail: 'a third' },
    });
  });

  it('shows an import under way, an unknown model by name, and no mark while checking or once installed', () => {
    const badges = nodeBadges(
      document,
      status([
        ['deepfakes', 'faceswap', { state: 'checking' }],
        ['my-style', 'style', { state: 'importing', file: 'latest_net_G.pth' }],
        ['liveportrait', 'reenact', { state: 'missing', problem: { model: 'liveportrait', message: 'not known', remedy: 'unknown' } }],
      ]),
      registry,
    );
    expect(badges.get('swap')).toBeUndefined();
    expect(badges.get('style')).toMatchObject({ text: 'importing latest_net_G.pth…', tone: 'working' });
    expect(badges.get('reenact')).toMatchObject({ text: 'unknown model "liveportrait"', tone: 'error' });
    expect(nodeBadges(document, status([['deepfakes', 'faceswap', { state: 'installed' }]]), registry).size).toBe(0);
  });

  it('follows the document: a node removed or given another model loses the mark of the old one', () => {
    const marked = status([['deepfakes', 'faceswap', { state: 'missing', problem: { model: 'deepfakes', message: 'm', remedy: 'train', command: 'vivify train deepfakes' } }]]);
    const other = { ...document, nodes: { ...document.nodes, swap: { type: 'deepfakes', typeVersion: 1, params: { model: 'alice-bob' } } } };
    expect(nodeBadges(other, marked, registry).has('swap')).toBe(false);
    const { swap: _removed, ...rest } = document.nodes;
    expect(nodeBadges({ ...document, nodes: rest }, marked, registry).size).toBe(0);
  });

  it('takes ONNX files and PyTorch checkpoints as model files, not pictures or graphs', () => {
    expect(['generator.onnx', 'latest_net_G.pth', 'weights.PT'].map((name) => isModelFile({ name }))).toEqual([true, true, true]);
    expect(['painting.png', 'graph.json', 'talk.mp4'].map((name) => isModelFile({ name }))).toEqual([false, false, false]);
  });
});
