/**
 * `use_tools`: a prompt a user picks to start a task with this server's tools; it lists the tools
 * so the model plans with the right ones.
 */
import { definePrompt, z, type ToolDefinition } from '@mcp-factory/runtime';

export function useTools(serverName: string, tools: readonly ToolDefinition[]) {
  return definePrompt({
    name: 'use_tools',
    title: `Work with ${serverName}`,
    description: `Start a task that uses the tools of ${serverName}.`,
    args: z.object({ task: z.string().min(1).describe('What you want done') }),
    get: ({ task }) => {
      const toolList = tools.map((tool) => `- ${tool.name}: ${tool.description}`).join('\n');
      return `You can call these tools of ${serverName}:\n${toolList}\n\nTask: ${task}\n\nDecide which tools help, call them, and answer from their results. Say so if the tools cannot do it.`;
    },
  });
}
