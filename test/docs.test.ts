import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { folderRoles, layoutMarkdown } from '../cli/layout-reference.ts';
import { readmePath, withGeneratedSections } from '../cli/write-docs.ts';

describe('README', () => {
  it('carries its status, the CLI and node reference and the layout as generated from the code and the tree (run `npm run docs` after changing either)', async () => {
    const readme = await readFile(readmePath, 'utf8');
    expect(readme).toBe(withGeneratedSections(readme));
    expect(readme).toContain('### `driving-video` (source, version 1): Driving video');
    expect(readme).toContain('- `--frames <A:B>`:');
    expect(readme).toContain('- **Face2Face expression transfer** (`face2face`, nothing to download)');
    expect(readme).toContain('models/store/');
    // Subcommands are listed with their options and defaults, as --help gives them.
    expect(readme).toContain('### `vivify train deepfakes [options]`');
    expect(readme).toContain('- `--stop-after <minutes>`:');
    expect(readme).toContain('### `vivify models pull [options] <id>`');
  });

  it('cannot describe a layout that is not there: a new folder without its line, or a line without its folder, fails', () => {
    const folders = folderRoles.map(([folder]) => folder);
    expect(() => layoutMarkdown([...folders, 'runtime/newthing'])).toThrow('folders without a line in cli/layout-reference.ts: runtime/newthing');
    expect(() => layoutMarkdown(folders.filter((folder) => folder !== 'tools'))).toThrow('lines for folders that are not there: tools');
  });
});
