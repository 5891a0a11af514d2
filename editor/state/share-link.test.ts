import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createRegistry } from '../../nodes/index.ts';
import { loadGraph } from '../../runtime/graph/load.ts';
import { carriesGraph, graphFromLink, shareLink } from './share-link.ts';

describe('share links', () => {
  it('carry a graph in the URL fragment and give it back whole', async () => {
    const { document } = loadGraph(await readFile('presets/animate-painting.json', 'utf8'), createRegistry());
    const link = shareLink(document!, 'http://127.0.0.1:5180/?provider=wasm');
    const url = new URL(link);
    expect(url.search).toBe('?provider=wasm');
    expect(link.length).toBeLessThan(2500);
    expect(JSON.parse(graphFromLink(url.hash)!)).toEqual(document);
    expect(graphFromLink('#other=1')).toBeUndefined();
    expect([carriesGraph(url.hash), carriesGraph(''), carriesGraph('#other=1')]).toEqual([true, false, false]);
  });
});
