/*
 * How deep a document may nest. A real graph is about 5 levels deep (nodes.id.ui.pos); parsers and checkers that
 * recurse overflow the stack at a few thousand levels, so anything past the limit is refused before it reaches them.
 * Both checks below walk with a stack of their own, never by recursion.
 */

export const MAX_DEPTH = 64;

export function tooDeepMessage(limit = MAX_DEPTH): string {
  return `nested more than ${limit} levels deep (a graph is about 5 deep)`;
}

/**
 * The JSON path of the first array or object in `text` that lies deeper than `limit` (the outermost value is level
 * 1), or undefined where none does. Reads the text as JSON without building it; broken JSON is left to the parser.
 */
export function tooDeepInText(text: string, limit = MAX_DEPTH): PropertyKey[] | undefined {
  // One entry per open container: whether it is an array, and the key or index of the value being read in it.
  const arrays: boolean[] = [];
  const path: PropertyKey[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (expectKey) path[path.length - 1] = readKey(text.slice(i, end + 1));
      i = end;
    } else if (c === '{' || c === '[') {
      if (arrays.length >= limit) return [...path];
      arrays.push(c === '[');
      path.push(c === '[' ? 0 : '');
      expectKey = c === '{';
    } else if (c === '}' || c === ']') {
      arrays.pop();
      path.pop();
      expectKey = false;
    } else if (c === ',') {
      const last = path.length - 1;
      if (arrays[last]) path[last] = (path[last] as number) + 1;
      else expectKey = last >= 0;
    } else if (c === ':') {
      expectKey = false;
    }
  }
  return undefined;
}

function readKey(literal: string): string {
  try {
    return String(JSON.parse(literal));
  } catch {
    return literal.slice(1, -1);
  }
}

/** The JSON path of the first array or object in `value` deeper than `limit` (cycles count as too deep), or undefined. */
export function tooDeepInValue(value: unknown, limit = MAX_DEPTH): PropertyKey[] | undefined {
  const stack: { value: unknown; path: PropertyKey[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (path.length >= limit) return path;
    const entries: [PropertyKey, unknown][] = Array.isArray(current)
      ? current.map((item, index) => [index, item])
      : Object.keys(current).map((key) => [key, (current as Record<string, unknown>)[key]]);
    // Pushed in reverse, so the first too-deep value in document order is the one found.
    for (let index = entries.length - 1; index >= 0; index--) {
      const [key, item] = entries[index]!;
      if (typeof item === 'object' && item !== null) stack.push({ value: item, path: [...path, key] });
    }
  }
  return undefined;
}
