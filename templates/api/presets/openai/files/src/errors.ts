/**
 * Errors of this server. Upstream failures arrive as the runtime's `UpstreamError` (auth, rate
 * limit, unavailable, bad request…); this module adds the ones specific to OpenAI, each with a
 * message that tells the model what to do next.
 */
import { ToolError, UpstreamError } from '@mcp-factory/runtime';

/** The API key is not configured, so no request is sent. */
export function missingApiKey(): ToolError {
  return new ToolError(
    'OPENAI_API_KEY is not set, so this server cannot call OpenAI. Ask the user to set it in the MCP client configuration of this server (see .env.example), then call again.',
  );
}

/** A model id that OpenAI does not know or this key cannot use. */
export function unknownModel(model: string): ToolError {
  return new ToolError(`OpenAI has no model "${model}" for this key. Call list_models for the ids it can use.`);
}

/** The account behind the key has no quota left: waiting does not help, unlike a rate limit. */
export function quotaExhausted(upstreamMessage: string | undefined): ToolError {
  const said = upstreamMessage === undefined ? '' : `: ${upstreamMessage}`;
  return new ToolError(
    `OpenAI refused the request because the account has no quota left (HTTP 429 insufficient_quota)${said}. Retrying will not help; the owner of OPENAI_API_KEY must check its plan and billing.`,
  );
}

/** True when `error` is the upstream's 404 (OpenAI answers an unknown model with one). */
export function isNotFound(error: unknown): boolean {
  return error instanceof UpstreamError && error.failure === 'not_found';
}
