import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProgram } from '../cli/program.ts';
import { renderOptionNames } from '../runtime/graph/command-line.ts';
import { listFiles, makeClip, makeTempDir, repoRoot, runCli } from '../support/cli.ts';

/*
 * Graph files and command lines a fuzzer made (issue 16, "hostile and careless input"): names of built-in object
 * properties, deep nesting, odd numbers. Each is refused with exit 2, the file named and one line per problem with
 * its JSON path; none is an internal error.
 */
let dir: { path: string; remove: () => Promise<void> };
let clip: string;
let passthrough: Record<string, unknown> & { edges: { from: string[]; to: string[] }[]; inputs: Record<string, string> };

beforeAll(async () => {
  dir = await makeTempDir();
  clip = await makeClip(join(dir.path, 'drive.mp4'), { frames: 6, audio: false });
  passthrough = JSON.parse(await readFile(join(repoRoot, 'presets', 'passthrough.json'), 'utf8'));
});
afterAll(() => dir.remove());

async function graphFile(name: string, edit: (graph: typeof passthrough) => void): Promise<string> {
  const graph = structuredClone(passthrough);
  edit(graph);
  const path = join(dir.path, name);
  await writeFile(path, JSON.stringify(graph));
  return path;
}

async function expectRefused(args: string[], lines: (string | RegExp)[]): Promise<void> {
  const result = await runCli(args, { cwd: dir.path });
  expect(result.stderr).not.toMatch(/internal error/);
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  const got = result.stderr.split('\n').slice(0, -1);
  expect(got).toHaveLength(lines.length);
  lines.forEach((line, index) => (typeof line === 'string' ? expect(got[index]).toBe(line) : expect(got[index]).toMatch(line)));
}

describe('vivify validate on names of object properties', () => {
  it('an edge from a node "__proto__", to a node "toString"', async () => {
    await graphFile('from-proto.json', (graph) => (graph.edges[0]!.from = ['__proto__', 'frames']));
    await expectRefused(['validate', 'from-proto.json'], [
      'vivify: from-proto.json: 2 problems:',
      '  edges[0].from: there is no node "__proto__"',
      '  nodes.out: required input "frames" (frame) is not connected',
    ]);
    await graphFile('to-tostring.json', (graph) => (graph.edges[1]!.to = ['toString', 'audio']));
    await expectRefused(['validate', 'to-tostring.json'], ['vivify: to-tostring.json: 1 problem:', '  edges[1].to: there is no node "toString"']);
  });

  it('an input aimed at "constructor.path" or at a parameter "constructor"', async () => {
    await graphFile('input-constructor.json', (graph) => {
      graph.inputs.source = 'constructor.path';
      graph.inputs.driving = 'drive.constructor';
    });
    await expectRefused(['validate', 'input-constructor.json'], [
      'vivify: input-constructor.json: 2 problems:',
      '  inputs.driving: driving-video has no parameter "constructor"',
      '  inputs.source: there is no node "constructor"',
    ]);
  });

  it('a parameter "hasOwnProperty" and a node type "constructor"', async () => {
    await graphFile('param-type.json', (graph) => {
      const nodes = graph.nodes as Record<string, { type: string; params: Record<string, unknown> }>;
      Object.assign(nodes.out!.params, { hasOwnProperty: 1 });
      nodes.drive!.type = 'constructor';
    });
    await expectRefused(['validate', 'param-type.json'], [
      'vivify: param-type.json: 2 problems:',
      /^ {2}nodes\.drive\.type: unknown node type "constructor": known types: /,
      '  nodes.out.params.hasOwnProperty: video-output has no parameter "hasOwnProperty" (it has path, crf, preset, audio, maxSize)',
    ]);
  });

  it('JSON nested 2,000 levels deep', async () => {
    await writeFile(join(dir.path, 'deep.json'), `{"format":"vivify.graph","version":1,"nodes":{},"meta":{"x":${'['.repeat(2000)}${']'.repeat(2000)}}}`);
    await expectRefused(['validate', 'deep.json'], ['vivify: deep.json: 1 problem:', `  meta.x${'[0]'.repeat(62)}: nested more than 64 levels deep (a graph is about 5 deep)`]);
  });

  it('a node whose id is "__proto__" is a node like any other, and renders', async () => {
    const text = (await readFile(join(repoRoot, 'presets', 'passthrough.json'), 'utf8')).replaceAll('"drive"', '"__proto__"').replace('"drive.path"', '"__proto__.path"');
    await writeFile(join(dir.path, 'proto-node.json'), text);
    const validated = await runCli(['validate', 'proto-node.json'], { cwd: dir.path });
    expect(validated).toMatchObject({ code: 0, stdout: 'proto-node.json: valid (2 nodes, 2 edges); set at render time: --driving FILE, -o FILE\n' });
    const rendered = await runCli(['render', 'proto-node.json', '--driving', clip, '-o', 'proto.mp4'], { cwd: dir.path });
    expect(rendered.code).toBe(0);
    const sidecar = JSON.parse(await readFile(join(dir.path, 'proto.mp4.vivify.json'), 'utf8'));
    expect(Object.keys(sidecar.nodes)).toEqual(['__proto__', 'out']);
  });

  it('a version of 1.5 must be a whole number, not newer', async () => {
    await graphFile('version.json', (graph) => (graph.version = 1.5));
    await expectRefused(['validate', 'version.json'], ['vivify: version.json: 1 problem:', '  version: the version must be a whole number, from 1 (this Vivify reads version 1); got 1.5']);
  });
});

describe('vivify render --set', () => {
  it('refuses a parameter named after an object property, and writes nothing', async () => {
    const before = await listFiles(dir.path);
    for (const [assignment, message] of [
      ['out.constructor=1', 'video-output has no parameter "constructor" (it has path, crf, preset, audio, maxSize)'],
      ['out.__proto__=1', 'video-output has no parameter "__proto__" (it has path, crf, preset, audio, maxSize)'],
      ['constructor.path=x', 'there is no node "constructor" (nodes: drive, out)'],
    ]) {
      await expectRefused(['render', join(repoRoot, 'presets', 'passthrough.json'), '--driving', clip, '-o', 'set.mp4', '--set', assignment!], [`vivify: --set ${assignment}: ${message}`]);
    }
    expect(await listFiles(dir.path)).toEqual(before);
  });

  it('blames --set, not the preset, for a value out of range', async () => {
    await expectRefused(
      ['render', join(repoRoot, 'presets', 'animate-painting.json'), '--source', 'none.png', '--driving', clip, '-o', 'range.mp4', '--set', 'f2f.expression=9'],
      ['vivify: --set f2f.expression=9: 9 is out of range: allowed 0 to 2 (number 0 to 2, default 1)'],
    );
  });

  it('reads decimal numbers only', async () => {
    await expectRefused(['render', join(repoRoot, 'presets', 'passthrough.json'), '--driving', clip, '-o', 'hex.mp4', '--set', 'out.crf=0x10'], [
      'vivify: --set out.crf=0x10: "0x10" is not a number (hexadecimal, octal and binary are not read): write it in decimal, such as 18, -0.5 or 1e-3',
    ]);
  });
});

describe('every input a graph names is a flag of vivify render', () => {
  it('validate lists --style FILE, and render takes it', async () => {
    await graphFile('styled.json', (graph) => (graph.inputs = { driving: 'drive.path', style: 'out.path' }));
    const validated = await runCli(['validate', 'styled.json'], { cwd: dir.path });
    expect(validated.stdout).toBe('styled.json: valid (2 nodes, 2 edges); set at render time: --driving FILE, --style FILE\n');
    const rendered = await runCli(['render', '--style', 'styled.mp4', 'styled.json', '--driving', clip], { cwd: dir.path });
    expect(rendered.stderr).toBe('');
    expect(rendered.code).toBe(0);
    expect(await listFiles(dir.path)).toContain('styled.mp4');
  });

  it('an unknown flag is named with the inputs the graph has', async () => {
    await expectRefused(['render', join(repoRoot, 'presets', 'passthrough.json'), '--driving', clip, '-o', 'x.mp4', '--styel', 'a.png'], [
      'vivify: --styel: this graph has no "styel" input (its inputs: driving, output); use --set node.param=value',
    ]);
  });

  it("render's own options are the names an input may not take", () => {
    const render = createProgram().commands.find((command) => command.name() === 'render')!;
    const setsAnInput = ['source', 'driving', 'output'];
    const own = render.options.map((option) => option.long!.slice(2)).filter((name) => !setsAnInput.includes(name));
    expect([...own, 'help'].sort()).toEqual([...renderOptionNames].sort());
  });
});
