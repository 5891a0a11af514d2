import { createEffect, For, on, onCleanup, Show } from 'solid-js';
import type { Problem } from '../../runtime/errors.ts';
import { problemNode } from '../state/graph-file.ts';
import { createStatusLine } from '../state/status-line.ts';

export interface StatusBarProps {
  /** The session's message: the newest replaces the one before. */
  message(): string;
  /** Clears the message (after the user's next action: status-line.ts). */
  clear(): void;
  command(): string;
  shared(): string;
  problems(): readonly Problem[];
  select(nodeId: string | undefined): void;
}

/** Key presses that are no action of their own: a modifier held for a shortcut to come. */
const modifiers = new Set(['Control', 'Shift', 'Alt', 'Meta']);

/**
 * The foot of the editor: the current message on its own line (it clears at the user's next action), then, each on its
 * own line, the CLI command and share link last asked for, and the graph's problems.
 */
export function StatusBar(props: StatusBarProps) {
  let footer!: HTMLElement;
  const line = createStatusLine({ now: () => performance.now() });
  createEffect(on(props.message, (text) => line.say(text)));
  const onAction = (event: Event) => {
    // Working in the status bar (selecting the share link, clicking a problem) leaves its message.
    if (event.target instanceof Node && footer.contains(event.target)) return;
    if (event instanceof KeyboardEvent && modifiers.has(event.key)) return;
    if (line.action()) props.clear();
  };
  const events = ['pointerdown', 'keydown', 'drop'] as const;
  for (const name of events) window.addEventListener(name, onAction, true);
  onCleanup(() => {
    for (const name of events) window.removeEventListener(name, onAction, true);
  });

  return (
    <footer class="status" data-testid="status" ref={footer}>
      <div class="status-message" data-testid="status-message" role="status">
        {props.message()}
      </div>
      <Show when={props.command()}>
        <div class="status-row">
          CLI: <code data-testid="cli-command">{props.command()}</code>
        </div>
      </Show>
      <Show when={props.shared()}>
        <div class="status-row">
          share link: <input class="share-link" readonly value={props.shared()} data-testid="share-link" />
        </div>
      </Show>
      <Show when={props.problems().length > 0}>
        <ul class="all-problems" data-testid="problems">
          <For each={props.problems()}>
            {(problem) => (
              <li data-node={problemNode(problem) ?? ''} onClick={() => props.select(problemNode(problem))}>
                <code>{problem.path}</code> {problem.message}
              </li>
            )}
          </For>
        </ul>
      </Show>
    </footer>
  );
}
