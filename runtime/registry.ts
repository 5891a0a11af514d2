import type { AnyNodeDefinition } from './node-definition.ts';

/** The node types a runtime knows, by type name. */
export class NodeRegistry {
  readonly #definitions = new Map<string, AnyNodeDefinition>();

  constructor(definitions: Iterable<AnyNodeDefinition> = []) {
    for (const definition of definitions) this.register(definition);
  }

  register(definition: AnyNodeDefinition): void {
    if (this.#definitions.has(definition.type)) throw new Error(`node type "${definition.type}" is registered twice`);
    this.#definitions.set(definition.type, definition);
  }

  get(type: string): AnyNodeDefinition | undefined {
    return this.#definitions.get(type);
  }

  /** Every definition, sorted by category and then type, the order palettes and references list them in. */
  list(): AnyNodeDefinition[] {
    return [...this.#definitions.values()].sort(
      (a, b) => categoryOrder.indexOf(a.category) - categoryOrder.indexOf(b.category) || a.type.localeCompare(b.type),
    );
  }

  types(): string[] {
    return [...this.#definitions.keys()].sort();
  }
}

const categoryOrder = ['source', 'analysis', 'method', 'compose', 'utility', 'output'];
