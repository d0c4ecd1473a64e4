/**
 * Errors of this server. Upstream failures arrive as the runtime's `UpstreamError` (auth, rate
 * limit, unavailable, bad request…); this module adds the ones specific to Gemini, each with a
 * message that tells the model what to do next.
 */
import { ToolError, UpstreamError } from '@mcp-factory/runtime';

/** The API key is not configured, so no request is sent. */
export function missingApiKey(): ToolError {
  return new ToolError(
    'GEMINI_API_KEY is not set, so this server cannot call Gemini. Ask the user to set it in the MCP client configuration of this server (see .env.example), then call again.',
  );
}

/** The project cannot use the API as it is (FAILED_PRECONDITION, e.g. billing needed in this region). */
export function projectNotReady(upstreamMessage: string | undefined): ToolError {
  const said = upstreamMessage === undefined ? '' : `: ${upstreamMessage}`;
  return new ToolError(
    `Gemini cannot serve this key's project yet (HTTP 400 FAILED_PRECONDITION)${said}. Retrying will not help; the owner of GEMINI_API_KEY must set up billing for its project in Google AI Studio.`,
  );
}

/** A model id Gemini does not know, or that cannot generate content. */
export function unknownModel(model: string): ToolError {
  return new ToolError(
    `Gemini has no model "${model}" that can generate content. Call list_models for the ids to use.`,
  );
}

/** The prompt itself was blocked, so there is no answer to give. */
export function promptBlocked(reason: string): ToolError {
  return new ToolError(`Gemini blocked the prompt (${reason}) and gave no answer. Rephrase the request and try again.`);
}

/** True when `error` is the upstream's 404 (Gemini answers an unknown model with one). */
export function isNotFound(error: unknown): boolean {
  return error instanceof UpstreamError && error.failure === 'not_found';
}
