import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createRegistry } from '../../nodes/index.ts';
import { createEditorStore } from './editor-store.ts';

describe('the editor store', () => {
  it('makes one undo step of a slider drag, and separate steps of separate parameters', async () => {
    const store = createEditorStore(createRegistry());
    store.open(await readFile('presets/animate-painting.json', 'utf8'));
    for (const value of [1.1, 1.2, 1.3, 1.4]) store.setParam('f2f', 'expression', value);
    store.setParam('f2f', 'mouth', 1.5);
    expect(store.historySize().undo).toBe(2);
    store.undo();
    expect(store.document().nodes.f2f!.params).toMatchObject({ expression: 1.4 });
    expect(store.document().nodes.f2f!.params.mouth).toBeUndefined();
    store.undo();
    expect(store.document().nodes.f2f!.params.expression).toBeUndefined();
    store.redo();
    expect(store.document().nodes.f2f!.params.expression).toBe(1.4);
  });

  it('checks every edit and lists its problems', async () => {
    const store = createEditorStore(createRegistry());
    store.open(await readFile('presets/animate-painting.json', 'utf8'));
    expect(store.problems()).toEqual([]);
    store.setParam('out', 'crf', 99);
    expect(store.problems().map((problem) => problem.path)).toEqual(['nodes.out.params.crf']);
    store.setParam('out', 'crf', undefined);
    expect(store.problems()).toEqual([]);
  });

  it('keeps the graph and its undo history when a file that is no graph is opened', async () => {
    const store = createEditorStore(createRegistry());
    store.open(await readFile('presets/animate-painting.json', 'utf8'));
    store.setParam('f2f', 'mouth', 1.5);
    const before = store.document();
    const generation = store.generation();
    const outcome = store.open('{ "format": "vivify.graph", "nodes": {');
    expect(outcome).toMatchObject({ opened: false, problem: { message: expect.stringMatching(/^not valid JSON/) as unknown } });
    expect([store.document(), store.generation(), store.historySize()]).toEqual([before, generation, { undo: 1, redo: 0 }]);
    store.undo();
    expect(store.document().nodes.f2f!.params.mouth).toBeUndefined();
  });

  it('opens another graph as one undo step: Undo brings back the graph it replaced, edits and all; the first graph is no step', async () => {
    const store = createEditorStore(createRegistry());
    store.open(await readFile('presets/animate-painting.json', 'utf8'));
    expect(store.historySize().undo).toBe(0);
    store.setParam('f2f', 'mouth', 1.5);
    const edited = store.document();
    store.open(await readFile('presets/deepfakes-swap.json', 'utf8'));
    expect(store.document().meta.title).not.toBe(edited.meta.title);
    expect(store.historySize()).toEqual({ undo: 2, redo: 0 });
    const generation = store.generation();
    store.undo();
    expect(store.document()).toEqual(edited);
    expect(store.generation()).toBe(generation + 1);
    store.redo();
    expect(store.document().nodes.swap).toBeDefined();
  });

  it('knows when the graph has changed since it was opened or saved', async () => {
    const store = createEditorStore(createRegistry());
    expect(store.unsaved()).toBe(false);
    store.open(await readFile('presets/animate-painting.json', 'utf8'));
    expect(store.unsaved()).toBe(false);
    store.setParam('f2f', 'mouth', 1.5);
    expect(store.unsaved()).toBe(true);
    store.undo();
    expect(store.unsaved()).toBe(false);
    store.redo();
    store.markSaved();
    expect(store.unsaved()).toBe(false);
    store.setParam('f2f', 'mouth', 1.6);
    expect(store.unsaved()).toBe(true);
  });
});
