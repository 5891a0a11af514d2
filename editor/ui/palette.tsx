import { createSignal, For, Show } from 'solid-js';
import type { NodeCategory } from '../../runtime/node-definition.ts';
import type { NodeRegistry } from '../../runtime/registry.ts';

/** Every node type the runtime knows (the same registry the CLI uses), by category, with a search by name. */
export function Palette(props: { registry: NodeRegistry; onAdd(type: string): void }) {
  const [query, setQuery] = createSignal('');
  const matches = () => {
    const words = query().toLowerCase().split(/\s+/).filter(Boolean);
    return props.registry
      .list()
      .filter((definition) => words.every((word) => `${definition.type} ${definition.title} ${definition.category}`.toLowerCase().includes(word)));
  };
  const categories = () => [...new Set(matches().map((definition) => definition.category))] as NodeCategory[];
  return (
    <nav class="palette" data-testid="palette">
      <input type="search" placeholder="Search nodes" value={query()} onInput={(e) => setQuery(e.currentTarget.value)} data-testid="palette-search" />
      <For each={categories()}>
        {(category) => (
          <section>
            <h3>{category}</h3>
            <For each={matches().filter((definition) => definition.category === category)}>
              {(definition) => (
                <button type="button" data-type={definition.type} title={definition.description} onClick={() => props.onAdd(definition.type)}>
                  {definition.title}
                </button>
              )}
            </For>
          </section>
        )}
      </For>
      <Show when={matches().length === 0}>
        <p class="hint">No node matches.</p>
      </Show>
    </nav>
  );
}
