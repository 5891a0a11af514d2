import { describe, expect, it } from 'vitest';
import { builtInCatalog, isPinned, parseCatalog } from './catalog.ts';

const withUrl = (url: string, sha256?: string) => ({
  format: 'vivify.model-catalog',
  version: 1,
  models: [
    {
      id: 'm',
      title: 'M',
      task: 'style',
      licence: 'MIT',
      homepage: 'https://example.org/',
      notes: '',
      files: [{ name: 'notes.json', url, ...(sha256 ? { sha256 } : {}) }],
    },
  ],
});

describe('the model catalog', () => {
  it('takes https downloads, and plain http only from this machine (a local mirror)', () => {
    expect(() => parseCatalog(withUrl('https://example.org/m.json'), 'c.json')).not.toThrow();
    expect(() => parseCatalog(withUrl('http://127.0.0.1:8080/m.json'), 'c.json')).not.toThrow();
    expect(() => parseCatalog(withUrl('http://localhost/m.json'), 'c.json')).not.toThrow();
    expect(() => parseCatalog(withUrl('http://example.org/m.json'), 'c.json')).toThrow(
      /models\[0\]\.files\[0\]\.url: a download url must be https \(plain http only from this machine\)/,
    );
    // Not fooled by a host that only starts like a local one.
    expect(() => parseCatalog(withUrl('http://127.0.0.1.example.org/m.json'), 'c.json')).toThrow(/must be https/);
  });

  it('calls a model pinned only where every download has a published sha256', () => {
    expect(isPinned(parseCatalog(withUrl('https://example.org/m.json', 'a'.repeat(64)), 'c.json').models[0]!)).toBe(true);
    expect(isPinned(parseCatalog(withUrl('https://example.org/m.json'), 'c.json').models[0]!)).toBe(false);
    // The built-in catalog downloads over https only.
    expect(builtInCatalog.models.flatMap((model) => model.files.map((file) => file.url ?? 'https:')).every((url) => url.startsWith('https:'))).toBe(true);
  });
});
