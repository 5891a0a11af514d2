import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { readmePath, withGeneratedSections } from '../cli/write-docs.ts';

describe('README', () => {
  it('carries the CLI and node reference as generated from the code (run `npm run docs` after changing either)', async () => {
    const readme = await readFile(readmePath, 'utf8');
    expect(readme).toBe(withGeneratedSections(readme));
    expect(readme).toContain('### `driving-video` (source, version 1): Driving video');
    expect(readme).toContain('- `--frames <A:B>`:');
  });
});
