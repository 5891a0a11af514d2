import { createRegistry } from '../nodes/index.ts';
import { describeParam } from '../runtime/params.ts';

export function nodesCommand(options: { json?: boolean }): void {
  const definitions = createRegistry().list();
  if (options.json) {
    // Functions dropped: what remains is the definition's data (ports, params with ranges, help).
    const data = definitions.map(({ type, version, title, category, description, inputs, outputs, params }) => ({
      type,
      version,
      title,
      category,
      description,
      inputs,
      outputs,
      params,
    }));
    process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
    return;
  }
  const lines: string[] = [];
  let category = '';
  for (const definition of definitions) {
    if (definition.category !== category) {
      category = definition.category;
      lines.push(`${lines.length > 0 ? '\n' : ''}${category}`);
    }
    lines.push(`  ${definition.type} (v${definition.version}): ${definition.title}. ${definition.description}`);
    const ports = (arrow: string, specs: Record<string, { type: string }>) =>
      Object.entries(specs).map(([name, spec]) => `${arrow} ${name}: ${spec.type}`);
    const portList = [...ports('in', definition.inputs), ...ports('out', definition.outputs)];
    if (portList.length > 0) lines.push(`    ports: ${portList.join(', ')}`);
    for (const [name, spec] of Object.entries(definition.params)) lines.push(`    ${name}: ${describeParam(spec)}. ${spec.help}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
