/** What a shortcut does. */
export type KeyAction = 'save' | 'preview' | 'undo' | 'redo' | 'duplicate';

/** The parts of a key event the shortcuts read. */
export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
}

/**
 * The editor's shortcuts, with Ctrl or (on a Mac) Cmd: S saves, Enter previews, Z undoes and Shift+Z or Y redoes,
 * D duplicates the selected nodes. Undefined for any other key, which the page then leaves alone.
 */
export function keyAction(press: KeyPress): KeyAction | undefined {
  if (!press.ctrlKey && !press.metaKey) return undefined;
  if (press.key === 'Enter') return 'preview';
  // Letters in either case: Caps Lock or Shift gives "S" or "Z".
  const key = press.key.toLowerCase();
  if (key === 's') return 'save';
  if (key === 'z') return press.shiftKey ? 'redo' : 'undo';
  if (key === 'd') return 'duplicate';
  if (key === 'y') return 'redo';
  return undefined;
}
