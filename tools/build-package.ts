/**
 * Builds what the npm package ships (`npm pack` runs it first, as "prepack"): the CLI, runtime, nodes and models
 * compiled to JavaScript in dist/, the files they open by path beside them, and the editor's static build in
 * editor/dist/. An installed Vivify then needs neither tsx nor vite.
 *
 *   npx tsx tools/build-package.ts
 */
import { fileURLToPath } from 'node:url';
import { compileDist } from '../cli/package-build.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

await compileDist(root);
const { buildEditor } = await import('../cli/editor-command.ts');
await buildEditor();
process.stdout.write('built dist/ and editor/dist/\n');
