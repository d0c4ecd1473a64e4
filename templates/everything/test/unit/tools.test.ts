// Unit level: each tool through the runtime's policy chain (validation, time budget, error mapping)
// with no transport and no client. Multi-round-trip tools are driven round by round.
import { invokeTool } from '@mcp-factory/runtime/testing';
import { describe, expect, it, vi } from 'vitest';

import { createApp } from '../../src/app.js';

const app = createApp();

type Block = {
  type: string;
  text?: string;
  data?: string;
  mimeType?: string;
  uri?: string;
  resource?: Record<string, unknown>;
};

function blocks(result: { content?: unknown }): Block[] {
  return (result.content ?? []) as Block[];
}

function textOf(result: { content?: unknown }): string {
  return blocks(result)
    .map((block) => block.text ?? '')
    .join('\n');
}

/** The embedded requests of an `input_required` result. */
function inputRequests(result: unknown): Record<string, { method: string; params: Record<string, unknown> }> {
  expect(result).toMatchObject({ resultType: 'input_required' });
  return (result as { inputRequests: Record<string, { method: string; params: Record<string, unknown> }> })
    .inputRequests;
}

describe('content tools', () => {
  it('test_simple_text returns the fixed sentence', async () => {
    const { result } = await invokeTool(app, 'test_simple_text', {});
    expect(result).toEqual({ content: [{ type: 'text', text: 'This is a simple text response for testing.' }] });
  });

  it('test_image_content returns a PNG', async () => {
    const { result } = await invokeTool(app, 'test_image_content', {});
    const [image] = blocks(result);
    expect(image).toMatchObject({ type: 'image', mimeType: 'image/png' });
    expect(Buffer.from(image!.data!, 'base64').subarray(1, 4).toString('ascii')).toBe('PNG');
  });

  it('test_audio_content returns a WAV file', async () => {
    const { result } = await invokeTool(app, 'test_audio_content', {});
    const [audio] = blocks(result);
    expect(audio).toMatchObject({ type: 'audio', mimeType: 'audio/wav' });
    const bytes = Buffer.from(audio!.data!, 'base64');
    expect(bytes.subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect(bytes.subarray(8, 12).toString('ascii')).toBe('WAVE');
    expect(bytes.readUInt32LE(4)).toBe(bytes.length - 8);
  });

  it('test_embedded_resource embeds a text resource', async () => {
    const { result } = await invokeTool(app, 'test_embedded_resource', {});
    expect(blocks(result)).toEqual([
      {
        type: 'resource',
        resource: {
          uri: 'test://embedded-resource',
          mimeType: 'text/plain',
          text: 'This is an embedded resource content.',
        },
      },
    ]);
  });

  it('test_resource_links links to resources of this server', async () => {
    const { result } = await invokeTool(app, 'test_resource_links', {});
    const links = blocks(result).filter((block) => block.type === 'resource_link');
    expect(links.map((link) => link.uri)).toEqual(['test://static-text', 'test://static-binary']);
    const uris = app.resources.flatMap((resource) => (resource.kind === 'resource' ? [resource.uri] : []));
    for (const link of links) expect(uris).toContain(link.uri);
  });

  it('test_multiple_content_types mixes text, image and resource', async () => {
    const { result } = await invokeTool(app, 'test_multiple_content_types', {});
    expect(blocks(result).map((block) => block.type)).toEqual(['text', 'image', 'resource']);
    expect(JSON.parse(String(blocks(result)[2]!.resource!.text))).toEqual({ test: 'data', value: 123 });
  });

  it('test_structured_content returns structured content and its JSON text', async () => {
    const { result } = await invokeTool(app, 'test_structured_content', { a: 3, b: 4 });
    expect(result.structuredContent).toEqual({ sum: 7, product: 12 });
    expect(JSON.parse(textOf(result))).toEqual({ sum: 7, product: 12 });
  });

  it('test_structured_content rejects a missing operand, naming it', async () => {
    const { result } = await invokeTool(app, 'test_structured_content', { a: 3 });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/\bb\b/);
  });
});

describe('notifications during a call', () => {
  it('test_tool_with_logging sends three info messages in order', async () => {
    const { result, notifications } = await invokeTool(app, 'test_tool_with_logging', {});
    expect(result.isError).toBeUndefined();
    expect(notifications).toEqual([
      { method: 'notifications/message', params: { level: 'info', data: 'Tool execution started' } },
      { method: 'notifications/message', params: { level: 'info', data: 'Tool processing data' } },
      { method: 'notifications/message', params: { level: 'info', data: 'Tool execution completed' } },
    ]);
  });

  it('test_tool_with_progress reports 0, 50 and 100 of 100 for a progress token', async () => {
    const { notifications } = await invokeTool(app, 'test_tool_with_progress', {}, { progressToken: 'p1' });
    expect(notifications.map((n) => n.params)).toEqual([
      { progressToken: 'p1', progress: 0, total: 100, message: 'Starting' },
      { progressToken: 'p1', progress: 50, total: 100, message: 'Halfway' },
      { progressToken: 'p1', progress: 100, total: 100, message: 'Done' },
    ]);
  });

  it('test_tool_with_progress sends nothing without a progress token', async () => {
    const { result, notifications } = await invokeTool(app, 'test_tool_with_progress', {});
    expect(notifications).toEqual([]);
    expect(textOf(result)).toMatch(/progress/);
  });

  it('test_tool_with_progress stops when the client cancels', async () => {
    const controller = new AbortController();
    const call = invokeTool(app, 'test_tool_with_progress', {}, { signal: controller.signal });
    controller.abort();
    const { result } = await call;
    expect(result.isError).toBe(true);
  });
});

describe('test_error_handling', () => {
  it('fails as a tool error the model can read', async () => {
    const { result } = await invokeTool(app, 'test_error_handling', {});
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe('This tool intentionally returns an error for testing');
  });
});

describe('test_sampling', () => {
  it('first asks the client for a completion of the prompt', async () => {
    const { result } = await invokeTool(app, 'test_sampling', { prompt: 'Say hi' });
    const requests = inputRequests(result);
    expect(requests.completion).toEqual({
      method: 'sampling/createMessage',
      params: { messages: [{ role: 'user', content: { type: 'text', text: 'Say hi' } }], maxTokens: 100 },
    });
  });

  it('then returns the answer of the model', async () => {
    const { result } = await invokeTool(
      app,
      'test_sampling',
      { prompt: 'Say hi' },
      { inputResponses: { completion: { role: 'assistant', content: { type: 'text', text: 'hi!' }, model: 'm' } } },
    );
    expect(textOf(result)).toBe('LLM response: hi!');
  });

  it('requires a prompt', async () => {
    const { result } = await invokeTool(app, 'test_sampling', {});
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/prompt/);
  });
});

describe('elicitation tools', () => {
  it('test_elicitation asks for username and email with the given message', async () => {
    const { result } = await invokeTool(app, 'test_elicitation', { message: 'Who are you?' });
    const { user } = inputRequests(result);
    expect(user).toMatchObject({
      method: 'elicitation/create',
      params: { message: 'Who are you?', requestedSchema: { type: 'object', required: ['username', 'email'] } },
    });
  });

  it('test_elicitation reports accepted content', async () => {
    const content = { username: 'ada', email: 'ada@example.com' };
    const { result } = await invokeTool(
      app,
      'test_elicitation',
      { message: 'Who are you?' },
      { inputResponses: { user: { action: 'accept', content } } },
    );
    expect(textOf(result)).toBe(`User response: action=accept, content=${JSON.stringify(content)}`);
  });

  it('test_elicitation reports a decline', async () => {
    const { result } = await invokeTool(
      app,
      'test_elicitation',
      { message: 'Who are you?' },
      { inputResponses: { user: { action: 'decline' } } },
    );
    expect(textOf(result)).toBe('User response: action=decline, content={}');
  });

  it('test_elicitation_sep1034_defaults gives every primitive field a default', async () => {
    const { result } = await invokeTool(app, 'test_elicitation_sep1034_defaults', {});
    const properties = inputRequests(result).profile!.params.requestedSchema as { properties: Record<string, unknown> };
    expect(properties.properties).toMatchObject({
      name: { type: 'string', default: 'John Doe' },
      age: { type: 'integer', default: 30 },
      score: { type: 'number', default: 95.5 },
      status: { type: 'string', enum: ['active', 'inactive', 'pending'], default: 'active' },
      verified: { type: 'boolean', default: true },
    });
  });

  it('test_elicitation_sep1330_enums offers the five enum shapes', async () => {
    const { result } = await invokeTool(app, 'test_elicitation_sep1330_enums', {});
    const schema = inputRequests(result).choices!.params.requestedSchema as {
      properties: Record<string, Record<string, unknown>>;
    };
    const { untitledSingle, titledSingle, legacyEnum, untitledMulti, titledMulti } = schema.properties;
    expect(untitledSingle).toMatchObject({ type: 'string', enum: ['option1', 'option2', 'option3'] });
    expect(untitledSingle).not.toHaveProperty('oneOf');
    expect(titledSingle).toMatchObject({
      type: 'string',
      oneOf: expect.arrayContaining([{ const: 'value1', title: 'First Option' }]),
    });
    expect(titledSingle).not.toHaveProperty('enum');
    expect(legacyEnum).toMatchObject({
      enum: ['opt1', 'opt2', 'opt3'],
      enumNames: ['Option One', 'Option Two', 'Option Three'],
    });
    expect(untitledMulti).toMatchObject({
      type: 'array',
      items: { type: 'string', enum: ['option1', 'option2', 'option3'] },
    });
    expect(titledMulti).toMatchObject({
      type: 'array',
      items: { anyOf: expect.arrayContaining([{ const: 'value1', title: 'First Choice' }]) },
    });
  });

  it('test_elicitation_sep1330_enums reports the choices', async () => {
    const content = { untitledSingle: 'option2', titledMulti: ['value1', 'value3'] };
    const { result } = await invokeTool(
      app,
      'test_elicitation_sep1330_enums',
      {},
      { inputResponses: { choices: { action: 'accept', content } } },
    );
    expect(textOf(result)).toBe(`Elicitation completed: action=accept, content=${JSON.stringify(content)}`);
  });

  it('refuses an answer of the wrong kind', async () => {
    const { result } = await invokeTool(
      app,
      'test_elicitation_sep1034_defaults',
      {},
      { inputResponses: { profile: { roots: [] } } },
    );
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/roots response/);
  });
});

describe('json_schema_2020_12_tool', () => {
  it('accepts a name and a partial address', async () => {
    const { result } = await invokeTool(app, 'json_schema_2020_12_tool', { name: 'Ada', address: { city: 'London' } });
    expect(textOf(result)).toBe('Received name="Ada", address={"city":"London"}.');
  });

  it('refuses properties the schema does not declare (additionalProperties: false)', async () => {
    const { result } = await invokeTool(app, 'json_schema_2020_12_tool', { name: 'Ada', nickname: 'A' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/nickname/);
  });
});

describe('test_reconnection', () => {
  it('answers on the open stream when there is no resumable stream to close (no HTTP here)', async () => {
    const { result } = await invokeTool(app, 'test_reconnection', {});
    expect(result.isError).toBeUndefined();
    expect(textOf(result)).toMatch(/without closing the stream/);
  });
});

describe('test_update_watched_resource', () => {
  it('bumps the revision and announces the change', async () => {
    const fresh = createApp();
    const listener = vi.fn();
    const stop = fresh.resourceUpdates!.subscribe(listener);
    const first = await invokeTool(fresh, 'test_update_watched_resource', {});
    const second = await invokeTool(fresh, 'test_update_watched_resource', {});
    stop();
    expect(textOf(first.result)).toBe('test://watched-resource is now at revision 1.');
    expect(textOf(second.result)).toBe('test://watched-resource is now at revision 2.');
    expect(listener.mock.calls).toEqual([['test://watched-resource'], ['test://watched-resource']]);
  });
});

it('every tool has a name, a title, a description and annotations', () => {
  expect(app.tools.length).toBe(17);
  for (const tool of app.tools) {
    expect(tool.name).toMatch(/^[a-z0-9_]+$/);
    expect(tool.title).toBeTruthy();
    expect(tool.description.length).toBeGreaterThan(20);
    expect(tool.annotations?.openWorldHint).toBeTypeOf('boolean');
  }
});
