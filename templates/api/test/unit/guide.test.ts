// The tool guide resource and the use_tools prompt describe whatever tools this server has.
import { connectInProcess } from '@mcp-factory/runtime/testing';
import { describe, expect, it } from 'vitest';

import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';

describe('tool guide and use_tools prompt', () => {
  it('list and read through the official client', async () => {
    const app = createApp({ config: loadConfig({}) });
    const connection = await connectInProcess(app);
    try {
      const { resources } = await connection.client.listResources();
      expect(resources.map((resource) => resource.uri)).toEqual(['guide://mcp-template-api/tools']);
      const guide = await connection.client.readResource({ uri: 'guide://mcp-template-api/tools' });
      const text = (guide.contents[0] as { text: string }).text;
      expect(app.tools.length).toBeGreaterThan(0);
      for (const tool of app.tools) {
        expect(text).toContain(`## ${tool.name}`);
        expect(text).toContain(tool.description);
      }
      const prompt = await connection.client.getPrompt({ name: 'use_tools', arguments: { task: 'find something' } });
      const message = (prompt.messages[0]?.content as { text: string }).text;
      expect(message).toContain('Task: find something');
      for (const tool of app.tools) expect(message).toContain(`- ${tool.name}: `);
    } finally {
      await connection.close();
    }
  });

  it('refuses the prompt without a task', async () => {
    const connection = await connectInProcess(createApp({ config: loadConfig({}) }));
    try {
      await expect(connection.client.getPrompt({ name: 'use_tools', arguments: {} })).rejects.toThrow(/task/);
    } finally {
      await connection.close();
    }
  });
});
