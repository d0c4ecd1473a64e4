/**
 * Errors of this server. Upstream failures arrive as the runtime's `UpstreamError` (auth, rate
 * limit, unavailable — including Anthropic's 529 `overloaded_error` —, bad request…); this module
 * adds the ones specific to Anthropic, each with a message that tells the model what to do next.
 */
import { ToolError, UpstreamError } from '@mcp-factory/runtime';

/** The API key is not configured, so no request is sent. */
export function missingApiKey(): ToolError {
  return new ToolError(
    'ANTHROPIC_API_KEY is not set, so this server cannot call Anthropic. Ask the user to set it in the MCP client configuration of this server (see .env.example), then call again.',
  );
}

/** A model id that Anthropic does not know or this key cannot use. */
export function unknownModel(model: string): ToolError {
  return new ToolError(`Anthropic has no model "${model}" for this key. Call list_models for the ids it can use.`);
}

/** Billing or spend limits stop the account: waiting a few seconds does not help, unlike a rate limit. */
export function accountBlocked(status: number | undefined, upstreamMessage: string | undefined): ToolError {
  const said = upstreamMessage === undefined ? '' : `: ${upstreamMessage}`;
  return new ToolError(
    `Anthropic refused the request for billing or spend-limit reasons (HTTP ${status ?? '?'})${said}. Retrying will not help; the owner of ANTHROPIC_API_KEY must check the account's billing and limits.`,
  );
}

/** True when `error` is the upstream's 404 (Anthropic answers an unknown model with one). */
export function isNotFound(error: unknown): boolean {
  return error instanceof UpstreamError && error.failure === 'not_found';
}
