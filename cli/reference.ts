import type { Argument, Command, Option } from 'commander';
import type { AnyNodeDefinition } from '../runtime/node-definition.ts';
import { describeParam } from '../runtime/params.ts';
import type { NodeRegistry } from '../runtime/registry.ts';

/** The node reference in Markdown, generated from the same definitions the executor runs. */
export function nodeReferenceMarkdown(registry: NodeRegistry): string {
  return registry
    .list()
    .map((definition) => nodeSection(definition))
    .join('\n');
}

function nodeSection(definition: AnyNodeDefinition): string {
  const lines = [`### \`${definition.type}\` (${definition.category}, version ${definition.version}): ${definition.title}`, '', definition.description, ''];
  const ports = (kind: string, specs: Record<string, { type: string; help: string; optional?: boolean; maybe?: boolean }>) => {
    for (const [name, spec] of Object.entries(specs)) {
      const note = spec.optional ? ', optional' : spec.maybe ? ', may be absent' : '';
      lines.push(`- ${kind} \`${name}\` (${spec.type}${note}): ${spec.help}`);
    }
  };
  ports('input', definition.inputs);
  ports('output', definition.outputs);
  for (const [name, spec] of Object.entries(definition.params)) {
    lines.push(`- param \`${name}\` (${describeParam(spec)}): ${spec.help}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * README's status line, from the registry: what works in every host, and each method the registry holds, with
 * whether it runs as installed or needs a model first (the node definition says which models it opens).
 */
export function statusMarkdown(registry: NodeRegistry): string {
  const methods = registry
    .list()
    .filter((definition) => definition.category === 'method')
    .map((definition) => {
      const first = definition.description.match(/^.*?[.:](\s|$)/)?.[0].trim().replace(/[.:]$/, '') ?? definition.description;
      const needs = definition.models ? 'needs a model from the store or a trainer' : 'nothing to download';
      return `- **${definition.title}** (\`${definition.type}\`, ${needs}): ${first}.`;
    });
  return [
    `**Status.** Working: the graph document, the streaming runtime, video in and out through ffmpeg, the \`vivify\` CLI, face landmarks, \`vivify eval\`, the browser editor (\`npx vivify editor\`), and ${methods.length} methods:`,
    '',
    ...methods,
    '',
  ].join('\n');
}

/**
 * The CLI reference in Markdown, generated from the commander program: one section per command and subcommand
 * (`train deepfakes`, `models pull`), each with its arguments and every option, defaults included.
 */
export function cliReferenceMarkdown(program: Command): string {
  return program.commands.flatMap((command) => commandSections(command, 'vivify')).join('\n');
}

function commandSections(command: Command, parent: string): string[] {
  const path = `${parent} ${command.name()}`;
  const args = command.registeredArguments.filter((argument) => argument.description).map((argument) => `- \`${argumentName(argument)}\`: ${argument.description}`);
  const options = command.options.filter((option) => !option.hidden).map((option) => `- \`${option.flags}\`: ${optionText(option)}`);
  const section = [`### \`${path} ${command.usage()}\``, '', command.description(), '', ...args, ...options, ''].join('\n');
  return [section, ...command.commands.flatMap((sub) => commandSections(sub, path))];
}

function argumentName(argument: Argument): string {
  const name = `${argument.name()}${argument.variadic ? '...' : ''}`;
  return argument.required ? `<${name}>` : `[${name}]`;
}

function optionText(option: Option): string {
  const extras: string[] = [];
  if (option.argChoices) extras.push(`one of ${option.argChoices.join(', ')}`);
  if (option.defaultValue !== undefined && !(Array.isArray(option.defaultValue) && option.defaultValue.length === 0)) {
    extras.push(`default ${String(option.defaultValue)}`);
  }
  return `${option.description}${extras.length > 0 ? ` (${extras.join('; ')})` : ''}`;
}
