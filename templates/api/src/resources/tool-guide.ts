/**
 * `guide://mcp-template-api/tools`: a Markdown guide to this server's tools, generated from their
 * definitions, so a user can attach it to a conversation (or a client can show it) without
 * listing tools first.
 */
import { defineResource, z, type ToolDefinition } from '@mcp-factory/runtime';

interface JsonSchemaObject {
  properties?: Record<string, { type?: unknown; description?: string; default?: unknown }>;
  required?: string[];
}

function argumentLines(tool: ToolDefinition): string[] {
  if (tool.input === undefined) return ['- no arguments'];
  const schema = z.toJSONSchema(tool.input, { io: 'input' }) as JsonSchemaObject;
  const required = new Set(schema.required ?? []);
  const lines = Object.entries(schema.properties ?? {}).map(([name, property]) => {
    const type = typeof property.type === 'string' ? property.type : 'value';
    const flags = [
      required.has(name) ? 'required' : 'optional',
      ...(property.default === undefined ? [] : [`default ${JSON.stringify(property.default)}`]),
    ];
    return `- \`${name}\` (${type}, ${flags.join(', ')})${property.description === undefined ? '' : `: ${property.description}`}`;
  });
  return lines.length === 0 ? ['- no arguments'] : lines;
}

/** Renders the guide for `tools`. */
export function renderToolGuide(serverName: string, tools: readonly ToolDefinition[]): string {
  const sections = tools.map((tool) =>
    [
      `## ${tool.name}${tool.title === undefined ? '' : ` — ${tool.title}`}`,
      '',
      tool.description,
      '',
      ...argumentLines(tool),
    ].join('\n'),
  );
  return [`# Tools of ${serverName}`, '', ...sections].join('\n\n').concat('\n');
}

/** The guide as a resource. */
export function toolGuide(serverName: string, tools: readonly ToolDefinition[]) {
  const text = renderToolGuide(serverName, tools);
  return defineResource({
    name: 'tool-guide',
    uri: 'guide://mcp-template-api/tools',
    title: 'Tool guide',
    description: `What each tool of ${serverName} does and the arguments it takes.`,
    mimeType: 'text/markdown',
    size: Buffer.byteLength(text),
    read: () => text,
  });
}
