import { type Node as JsonNode, type ParseError, parseTree, printParseErrorCode, getNodeValue } from 'jsonc-parser';
import type { Problem } from '../errors.ts';
import { formatPath } from './json-path.ts';
import { tooDeepInText, tooDeepMessage } from './json-depth.ts';

/**
 * Parses a graph file's text strictly (no comments, no trailing commas) and, unlike JSON.parse, reports keys that
 * appear twice in one object (two nodes with the same id would otherwise silently become one) and numbers too large
 * to hold. Objects come back without a prototype, so a key such as "__proto__" is an ordinary key. Text nested
 * deeper than MAX_DEPTH is refused before parsing, since the parser recurses.
 */
export function parseJsonStrict(text: string): { value: unknown; problems: Problem[] } {
  const deep = tooDeepInText(text);
  if (deep) return { value: undefined, problems: [{ path: formatPath(deep), message: tooDeepMessage() }] };
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length > 0 || !tree) {
    const first = errors[0];
    const where = first ? ` at line ${lineColumn(text, first.offset)}` : '';
    const what = first ? describeError(printParseErrorCode(first.error)) : 'empty file';
    return { value: undefined, problems: [{ path: '', message: `not valid JSON: ${what}${where}` }] };
  }
  const problems: Problem[] = [];
  checkTree(text, tree, [], problems);
  // getNodeValue builds objects with Object.create(null).
  return { value: getNodeValue(tree), problems };
}

/** Finds duplicate keys and numbers too large for a double (1e400 would be read as Infinity). Depth is bounded. */
function checkTree(text: string, node: JsonNode, path: PropertyKey[], problems: Problem[]): void {
  if (node.type === 'number' && !Number.isFinite(node.value)) {
    const literal = text.slice(node.offset, node.offset + node.length);
    problems.push({ path: formatPath(path), message: `the number ${literal.length > 40 ? `${literal.slice(0, 40)}...` : literal} is too large` });
  }
  if (node.type === 'object') {
    const seen = new Set<string>();
    for (const property of node.children ?? []) {
      const [keyNode, valueNode] = property.children ?? [];
      if (!keyNode) continue;
      const key = String(keyNode.value);
      if (seen.has(key)) {
        const what = path.length === 1 && path[0] === 'nodes' ? `node id "${key}"` : `key "${key}"`;
        problems.push({ path: formatPath(path), message: `duplicate ${what}: each must appear once` });
      }
      seen.add(key);
      if (valueNode) checkTree(text, valueNode, [...path, key], problems);
    }
  } else if (node.type === 'array') {
    node.children?.forEach((child, index) => checkTree(text, child, [...path, index], problems));
  }
}

function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
}

function describeError(code: string): string {
  // printParseErrorCode gives names such as "CommaExpected"; make them words.
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}
