/**
 * The meta-tool the dev proxy adds to the server's tools: for clients that ignore
 * `notifications/tools/list_changed`, calling it rebuilds and restarts the server and says what
 * changed. The name is prefixed so it cannot be mistaken for one of the server's own tools.
 *
 * @module
 */

/** Name of the reload meta-tool. */
export const RELOAD_TOOL_NAME = 'mcp_factory_dev_reload';

/** Its definition as `tools/list` advertises it. */
export const RELOAD_TOOL = {
  name: RELOAD_TOOL_NAME,
  title: 'Reload the server under development',
  description:
    'Added by `mcp-factory dev`, not part of the server: rebuilds the server from its sources, restarts it and reports which tools, resources and prompts changed. Call it after editing the server when the tool list looks stale.',
  inputSchema: { type: 'object', properties: {}, additionalProperties: false },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
} as const;
