/**
 * Errors of this server. Upstream failures arrive as the runtime's `UpstreamError` (auth, rate
 * limit, unavailable, bad request…); this module adds the ones specific to this API, each with a
 * message that tells the model what to do next.
 */
import { ToolError, UpstreamError } from '@mcp-factory/runtime';

/** The API key is not configured, so no request is sent. */
export function missingApiKey(): ToolError {
  return new ToolError(
    'API_KEY is not set. Set it in the MCP client configuration of this server (see .env.example), then retry.',
  );
}

/** An item id that the API does not know. */
export function itemNotFound(id: string): ToolError {
  return new ToolError(`No item with id "${id}". Use search_items to find valid ids.`);
}

/** True when `error` is the upstream's 404. */
export function isNotFound(error: unknown): boolean {
  return error instanceof UpstreamError && error.failure === 'not_found';
}
