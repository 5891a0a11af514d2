import { type Node as JsonNode, type ParseError, parseTree, printParseErrorCode, getNodeValue } from 'jsonc-parser';
import type { Problem } from '../errors.ts';
import { formatPath } from './json-path.ts';

/**
 * Parses a graph file's text strictly (no comments, no trailing commas) and, unlike JSON.parse, reports keys that
 * appear twice in one object: two nodes with the same id would otherwise silently become one.
 */
export function parseJsonStrict(text: string): { value: unknown; problems: Problem[] } {
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length > 0 || !tree) {
    const first = errors[0];
    const where = first ? ` at line ${lineColumn(text, first.offset)}` : '';
    const what = first ? describeError(printParseErrorCode(first.error)) : 'empty file';
    return { value: undefined, problems: [{ path: '', message: `not valid JSON: ${what}${where}` }] };
  }
  const problems: Problem[] = [];
  findDuplicateKeys(tree, [], problems);
  return { value: getNodeValue(tree), problems };
}

function findDuplicateKeys(node: JsonNode, path: PropertyKey[], problems: Problem[]): void {
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
      if (valueNode) findDuplicateKeys(valueNode, [...path, key], problems);
    }
  } else if (node.type === 'array') {
    node.children?.forEach((child, index) => findDuplicateKeys(child, [...path, index], problems));
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
