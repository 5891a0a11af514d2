import { builtinModules } from 'node:module';
import { dirname, join, normalize } from 'node:path';
import ts from 'typescript';

/*
 * The house plan (README, "Architecture"), as rules on imports. Each source file belongs to one layer by its folder;
 * an import may only point to the layers its own layer lists. Tests sit beside what they test and may import what it
 * can, plus test support; nothing but tests imports test support.
 */
export type Layer = 'core' | 'nodes' | 'node-host' | 'browser-host' | 'models' | 'cli' | 'tools' | 'editor' | 'editor-server' | 'bench' | 'support' | 'test';

const layerFolders: readonly (readonly [string, Layer])[] = [
  ['runtime/node/', 'node-host'],
  ['runtime/browser/', 'browser-host'],
  ['runtime/', 'core'],
  ['nodes/', 'nodes'],
  ['models/', 'models'],
  ['cli/', 'cli'],
  ['editor/server/', 'editor-server'],
  ['editor/', 'editor'],
  ['bench/', 'bench'],
  ['support/', 'support'],
  ['tools/', 'tools'],
  ['test/', 'test'],
  ['bin/', 'cli'],
];

/** Which layers each layer may import. */
const allowed: Record<Layer, readonly Layer[]> = {
  core: ['core'],
  nodes: ['nodes', 'core'],
  'node-host': ['node-host', 'models', 'core'],
  'browser-host': ['browser-host', 'core'],
  models: ['models', 'core'],
  // The apps compose: the registry of nodes with a host. The CLI's `editor` command serves the editor.
  cli: ['cli', 'nodes', 'node-host', 'models', 'core', 'editor-server'],
  // Maintainers' scripts, run by hand: they compose like the CLI.
  tools: ['tools', 'cli', 'nodes', 'node-host', 'models', 'core'],
  editor: ['editor', 'nodes', 'browser-host', 'core'],
  // The dev-server plugins serve the editor: its asset lists and the browser host's files.
  'editor-server': ['editor-server', 'editor', 'browser-host', 'node-host', 'models', 'core'],
  bench: ['bench', 'support', 'cli', 'nodes', 'node-host', 'models', 'core', 'editor-server'],
  // What tests and benchmarks share: running the CLI, stand-in models, Chromium.
  support: ['support', 'nodes', 'node-host', 'models', 'core'],
  test: ['test', 'support', 'cli', 'tools', 'nodes', 'node-host', 'browser-host', 'models', 'core', 'editor', 'editor-server', 'bench'],
};

/** The layers whose code runs in Node (or builds for it) and so may use Node's built-in modules. */
const nodeSide: ReadonlySet<Layer> = new Set<Layer>(['node-host', 'models', 'cli', 'tools', 'editor-server', 'bench', 'support', 'test']);

const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

export function layerOf(path: string): Layer | undefined {
  if (/\.test\.tsx?$/.test(path)) return 'test';
  return layerFolders.find(([folder]) => path.startsWith(folder))?.[1];
}

/** The modules a source file imports or re-exports (static and dynamic), as written. */
export function importsOf(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((file) => file.fileName);
}

/**
 * Every import that breaks the plan, one sentence each: `files` maps repository-relative paths to their source. A
 * test's imports are checked against the layer of the code beside it, plus test support.
 */
export function layerViolations(files: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  for (const [path, source] of files) {
    const layer = layerOf(path);
    if (!layer) continue;
    const home = /\.test\.tsx?$/.test(path) ? layerOf(path.replace(/\.test(\.tsx?)$/, '$1')) : layer;
    for (const specifier of importsOf(source)) {
      if (builtins.has(specifier)) {
        if (!nodeSide.has(layer)) problems.push(`${path} imports Node's ${specifier}, but ${layer} code must run in the browser too`);
        continue;
      }
      if (!specifier.startsWith('.')) continue;
      const target = normalize(join(dirname(path), specifier));
      const targetLayer = layerOf(target);
      if (!targetLayer) continue;
      const may = layer === 'test' ? [...allowed[home ?? 'test'], 'test', 'support'] : allowed[layer];
      if (home === 'test' || may.includes(targetLayer)) continue;
      problems.push(`${path} imports ${target}: ${layer} may not import ${targetLayer}`);
    }
  }
  return problems;
}

/** The import cycles among `files` (strongly connected groups of two or more files, each sorted), type-only imports included. */
export function importCycles(files: ReadonlyMap<string, string>): string[][] {
  const edges = new Map<string, string[]>();
  for (const [path, source] of files) {
    const targets = importsOf(source)
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => normalize(join(dirname(path), specifier)))
      .filter((target) => files.has(target));
    edges.set(path, targets);
  }
  // Tarjan's strongly connected components.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) === index.get(node)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      if (group.length > 1) cycles.push(group.sort());
    }
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return cycles;
}
