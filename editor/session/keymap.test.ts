import { describe, expect, it } from 'vitest';
import { keyAction } from './keymap.ts';

const press = (key: string, mods: { ctrl?: boolean; meta?: boolean; shift?: boolean } = {}) =>
  keyAction({ key, ctrlKey: mods.ctrl ?? false, metaKey: mods.meta ?? false, shiftKey: mods.shift ?? false });

describe('the editor shortcuts', () => {
  it('map Ctrl or Cmd with a key to what it does', () => {
    expect(press('s', { ctrl: true })).toBe('save');
    expect(press('S', { meta: true, shift: true })).toBe('save');
    expect(press('Enter', { ctrl: true })).toBe('preview');
    expect(press('z', { ctrl: true })).toBe('undo');
    expect(press('Z', { ctrl: true, shift: true })).toBe('redo');
    expect(press('y', { meta: true })).toBe('redo');
    expect(press('d', { ctrl: true })).toBe('duplicate');
  });

  it('leave other keys, and keys without Ctrl or Cmd, to the page', () => {
    expect(press('s')).toBeUndefined();
    expect(press('Enter', { shift: true })).toBeUndefined();
    expect(press('x', { ctrl: true })).toBeUndefined();
    // "Escape" lower-cased is not a letter shortcut.
    expect(press('Escape', { ctrl: true })).toBeUndefined();
    expect(press('Delete', { ctrl: true })).toBeUndefined();
  });
});
