import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRegistry } from '../nodes/index.ts';
import { GraphError, type Problem, UsageError } from '../runtime/errors.ts';
import { readRenderArguments } from '../runtime/graph/command-line.ts';
import { checkGraph, loadGraph } from '../runtime/graph/load.ts';
import { applyOverrides, mapFileParams } from '../runtime/graph/overrides.ts';
import { repoRoot } from '../support/cli.ts';
import { seededRandom } from './support/seeded-random.ts';

/*
 * Fuzzes the graph parser as `vivify render` and `vivify validate` reach it (loadGraph, then applyOverrides and
 * checkGraph for --set and input flags): seeded mutations of the presets with names of built-in object properties
 * put where names go, wrong types, huge numbers, duplicated keys and deep nesting. Every answer must be problems
 * with a path and a sentence, or the project's own usage errors; a document that loads keeps every node and input
 * the file names; nothing reaches Object.prototype.
 */

const hostileNames = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__', 'length'];
const oddValues = (): Json[] => [null, true, 0, -1, 1.5, 1e308, -0, '', 'x', [], new JsonObject([]), new Raw('1e400'), new Raw('-1e999'), 'frames', 'image', 'path'];
const depths = [8, 63, 64, 65, 200, 3000];

/** JSON as the fuzzer edits it: objects as entry lists, so that "__proto__" is a key and a key may appear twice. */
type Json = null | boolean | number | string | Raw | Json[] | JsonObject;
class JsonObject {
  constructor(public entries: [string, Json][]) {}
}
/** Text written as it is: numbers JSON cannot hold, nesting too deep to build. */
class Raw {
  constructor(public text: string) {}
}

function fromValue(value: unknown): Json {
  if (Array.isArray(value)) return value.map(fromValue);
  if (typeof value === 'object' && value !== null) return new JsonObject(Object.entries(value).map(([key, item]) => [key, fromValue(item)]));
  return value as Json;
}

function toText(value: Json): string {
  if (value instanceof Raw) return value.text;
  if (value instanceof JsonObject) return `{${value.entries.map(([key, item]) => `${JSON.stringify(key)}:${toText(item)}`).join(',')}}`;
  if (Array.isArray(value)) return `[${value.map(toText).join(',')}]`;
  return JSON.stringify(value);
}

/** Every place a value sits, the root's children down: a container and the index of an entry or element in it. */
type Slot = { in: JsonObject; index: number } | { in: Json[]; index: number };

function slots(root: Json): Slot[] {
  const found: Slot[] = [];
  const stack: Json[] = [root];
  while (stack.length > 0) {
    const value = stack.pop()!;
    if (value instanceof JsonObject) {
      value.entries.forEach(([, item], index) => {
        found.push({ in: value, index });
        stack.push(item);
      });
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => {
        found.push({ in: value, index });
        stack.push(item);
      });
    }
  }
  return found;
}

function read(slot: Slot): Json {
  return slot.in instanceof JsonObject ? slot.in.entries[slot.index]![1] : slot.in[slot.index]!;
}

function write(slot: Slot, value: Json): void {
  if (slot.in instanceof JsonObject) slot.in.entries[slot.index]![1] = value;
  else slot.in[slot.index] = value;
}

function section(root: JsonObject, key: string): Json | undefined {
  return root.entries.find(([name]) => name === key)?.[1];
}

const presets = readdirSync(join(repoRoot, 'presets'))
  .filter((name) => name.endsWith('.json'))
  .sort()
  .map((name) => ({ name, value: JSON.parse(readFileSync(join(repoRoot, 'presets', name), 'utf8')) as unknown }));

/** One mutated document: 1 to 4 edits of one preset. */
function mutate(random: () => number): { text: string; edits: string[] } {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const root = fromValue(pick(presets).value) as JsonObject;
  const edits: string[] = [];
  const count = 1 + Math.floor(random() * 4);
  for (let edit = 0; edit < count; edit++) {
    const all = slots(root);
    const slot = pick(all);
    const hostile = pick(hostileNames);
    const nodes = section(root, 'nodes');
    const ids = nodes instanceof JsonObject ? nodes.entries.map(([id]) => id) : [];
    switch (Math.floor(random() * 10)) {
      case 0: {
        // A key (node id, param, input name, any key) renamed.
        const objects = all.filter((s) => read(s) instanceof JsonObject && (read(s) as JsonObject).entries.length > 0);
        const target = (objects.length > 0 ? read(pick(objects)) : root) as JsonObject;
        const entry = pick(target.entries);
        edits.push(`key ${entry[0]} -> ${hostile}`);
        entry[0] = hostile;
        break;
      }
      case 1: {
        // A string (node type, edge end, input target) replaced by a name, or by node.param built of names.
        const strings = all.filter((s) => typeof read(s) === 'string');
        if (strings.length === 0) break;
        const target = pick(strings);
        const value = random() < 0.5 ? hostile : `${random() < 0.5 ? hostile : pick(ids.length > 0 ? ids : ['x'])}.${pick(hostileNames)}`;
        edits.push(`string ${String(read(target))} -> ${value}`);
        write(target, value);
        break;
      }
      case 2: {
        const value = pick(oddValues());
        edits.push(`value -> ${toText(value)}`);
        write(slot, value);
        break;
      }
      case 3: {
        // An object where one is expected turned into an array, or the reverse.
        const value = read(slot);
        const swapped = value instanceof JsonObject ? value.entries.map(([, item]) => item) : Array.isArray(value) ? new JsonObject(value.map((item, i) => [String(i), item])) : [value];
        edits.push('array <-> object');
        write(slot, swapped);
        break;
      }
      case 4: {
        const objects = [root, ...all.map(read).filter((v): v is JsonObject => v instanceof JsonObject && v.entries.length > 0)];
        const target = pick(objects);
        const entry = pick(target.entries);
        edits.push(`duplicate key ${entry[0]}`);
        target.entries.push([entry[0], fromValue(JSON.parse(toText(entry[1])))]);
        break;
      }
      case 5: {
        const depth = pick(depths);
        edits.push(`nested ${depth} deep`);
        const open = random() < 0.5 ? '[' : '{"a":';
        write(slot, new Raw(`${open.repeat(depth)}1${(open === '[' ? ']' : '}').repeat(depth)}`));
        break;
      }
      case 6: {
        // A node under a hostile id, copied from another node, with the edges and an input pointing at it.
        if (!(nodes instanceof JsonObject) || nodes.entries.length === 0) break;
        const [id] = pick(nodes.entries);
        edits.push(`node ${id} renamed ${hostile}`);
        nodes.entries = nodes.entries.map(([key, value]) => [key === id ? hostile : key, value]);
        const edges = section(root, 'edges');
        for (const edge of Array.isArray(edges) ? edges : []) {
          if (!(edge instanceof JsonObject)) continue;
          for (const [, end] of edge.entries) if (Array.isArray(end) && end[0] === id) end[0] = hostile;
        }
        const inputs = section(root, 'inputs');
        if (inputs instanceof JsonObject) inputs.entries = inputs.entries.map(([name, target]) => [name, typeof target === 'string' ? target.replace(/^[^.]*/, (head) => (head === id ? hostile : head)) : target]);
        break;
      }
      case 7: {
        // An edge whose end is a hostile node or port.
        const edges = section(root, 'edges');
        if (!Array.isArray(edges)) break;
        const end = random() < 0.5 ? [hostile, 'frames'] : [pick(ids.length > 0 ? ids : ['x']), hostile];
        const edge = new JsonObject(random() < 0.5 ? [['from', end], ['to', ['out', 'frames']]] : [['from', ['drive', 'frames']], ['to', end]]);
        edits.push(`edge ${toText(edge)}`);
        edges.push(edge);
        break;
      }
      case 8: {
        // A param or input named after a property.
        const inputs = section(root, 'inputs');
        if (random() < 0.5 && inputs instanceof JsonObject) {
          const entry: [string, Json] = [hostile.toLowerCase().replace(/_/g, ''), `${pick(ids.length > 0 ? ids : ['x'])}.${pick(hostileNames)}`];
          edits.push(`input ${toText(new JsonObject([entry]))}`);
          inputs.entries.push(entry);
        } else if (nodes instanceof JsonObject && nodes.entries.length > 0) {
          const node = pick(nodes.entries)[1];
          const params = node instanceof JsonObject ? section(node, 'params') : undefined;
          if (params instanceof JsonObject) {
            edits.push(`param ${hostile}`);
            params.entries.push([hostile, pick(oddValues())]);
          }
        }
        break;
      }
      default: {
        // A huge or odd number where a number goes.
        const numbers = all.filter((s) => typeof read(s) === 'number');
        if (numbers.length === 0) break;
        const value = pick([new Raw('1e400'), new Raw('-1e400'), 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 0.1, -1, 2 ** 31]);
        edits.push(`number -> ${toText(value)}`);
        write(pick(numbers), value);
      }
    }
  }
  return { text: toText(root), edits };
}

function expectSentences(problems: Problem[]): void {
  for (const problem of problems) {
    expect(typeof problem.path).toBe('string');
    expect(problem.message).toMatch(/\S/);
    expect(problem.message).not.toMatch(/\n/);
  }
}

/** Runs `action`; an error other than the project's own UsageError or GraphError fails the case. */
function ownErrorsOnly(action: () => void): void {
  try {
    action();
  } catch (error) {
    if (error instanceof UsageError || error instanceof GraphError) {
      expect(error.message).toMatch(/\S/);
      return;
    }
    throw error;
  }
}

/** The --set and input-flag assignments a hostile user would try on a graph with these node ids. */
function assignments(random: () => number, ids: string[]): { sets: string[]; inputs: Record<string, string> } {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const id = pick([...ids, ...hostileNames]);
  const name = pick(hostileNames);
  const sets = [
    pick([`${id}.${name}=1`, `${name}.path=x.mp4`, `${id}.path=x.mp4`, `${id}.crf=0x10`, `${id}.crf=${pick(['18', '1e400', ' 18', '', 'Infinity', '99', '010'])}`]),
  ];
  const inputs: Record<string, string> = Object.create(null);
  if (random() < 0.3) inputs[pick([...hostileNames.map((n) => n.toLowerCase()), 'driving', 'output'])] = 'x.mp4';
  return { sets, inputs };
}

describe('the graph parser under fuzzing', () => {
  it('answers thousands of mutated presets with problems or usage errors, never a crash, a lost node or a polluted prototype', () => {
    const registry = createRegistry();
    const random = seededRandom(16);
    const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
    const cases = 3000;
    let loaded = 0;
    let refused = 0;
    for (let index = 0; index < cases; index++) {
      const { text, edits } = mutate(random);
      const context = `case ${index}: ${edits.join('; ')}`;
      try {
        const { document, problems } = loadGraph(text, registry);
        expectSentences(problems);
        if (!document) {
          expect(problems.length).toBeGreaterThan(0);
          refused++;
          continue;
        }
        loaded++;
        // Nothing the file names is dropped: JSON.parse keeps "__proto__" as an own key, so it is the reference.
        const plain = JSON.parse(text) as { nodes: object; inputs?: object };
        expect(Object.keys(document.nodes).sort()).toEqual(Object.keys(plain.nodes).sort());
        expect(Object.keys(document.inputs).sort()).toEqual(Object.keys(plain.inputs ?? {}).sort());
        // What render does next: file paths, the command line's values, and the check before running.
        const { sets, inputs } = assignments(random, Object.keys(document.nodes));
        ownErrorsOnly(() => {
          const withFiles = mapFileParams(document, registry, (path) => `/graphs/${path}`);
          const changed = applyOverrides(withFiles, registry, { inputs, sets }, (path) => `/work/${path}`);
          // Only parameters the node type has are set: no "constructor" key rides along into the sidecar.
          for (const node of Object.values(changed.nodes)) {
            for (const name of Object.keys(node.params)) expect(Object.hasOwn(registry.get(node.type)!.params, name), name).toBe(true);
          }
          const checked = checkGraph(changed, registry, { requireFiles: true });
          expectSentences(checked.problems);
          // A document that loaded reads back the same from its own JSON (the sidecar a render writes).
          const again = loadGraph(JSON.stringify(changed), registry);
          expect(again.problems.filter((problem) => !/file given/.test(problem.message))).toEqual([]);
        });
      } catch (error) {
        throw new Error(`${context}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
    }
    // Both sides are exercised: most mutations break the graph, some leave it valid.
    expect(refused).toBeGreaterThan(cases / 3);
    expect(loaded).toBeGreaterThan(cases / 20);
  });

  it('reads render command lines of hostile names as inputs, or refuses them as usage', () => {
    const random = seededRandom(17);
    const words = [...hostileNames.map((name) => `--${name}`), '--style', '--style=x', 'graph.json', 'x.png', '-x', '--', '--constructor=1', '--valueof'];
    for (let index = 0; index < 2000; index++) {
      const args = Array.from({ length: 1 + Math.floor(random() * 5) }, () => words[Math.floor(random() * words.length)]!);
      ownErrorsOnly(() => {
        const { graph, inputs } = readRenderArguments(args);
        expect(graph).toMatch(/\S/);
        expect(Object.getPrototypeOf(inputs)).toBeNull();
      });
    }
  });
});
