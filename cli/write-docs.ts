import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createRegistry } from '../nodes/index.ts';
import { createProgram } from './program.ts';
import { layoutMarkdown, sourceFolders } from './layout-reference.ts';
import { cliReferenceMarkdown, nodeReferenceMarkdown, statusMarkdown } from './reference.ts';

export const readmePath = fileURLToPath(new URL('../README.md', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** README with its generated sections (status, CLI and node reference, layout) rebuilt from the registry, the program and the tree. */
export function withGeneratedSections(readme: string): string {
  const registry = createRegistry();
  const sections: Record<string, string> = {
    status: statusMarkdown(registry),
    cli: cliReferenceMarkdown(createProgram()),
    nodes: nodeReferenceMarkdown(registry),
    layout: layoutMarkdown(sourceFolders(repoRoot)),
  };
  let result = readme;
  for (const [name, body] of Object.entries(sections)) {
    const start = `<!-- generated:${name} (npm run docs) -->`;
    const end = `<!-- /generated:${name} -->`;
    const from = result.indexOf(start);
    const to = result.indexOf(end);
    if (from < 0 || to < from) throw new Error(`README.md lacks the markers ${start} ... ${end}`);
    result = `${result.slice(0, from + start.length)}\n${body}${result.slice(to)}`;
  }
  return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const readme = await readFile(readmePath, 'utf8');
  await writeFile(readmePath, withGeneratedSections(readme));
  console.log('README.md: generated sections updated');
}
