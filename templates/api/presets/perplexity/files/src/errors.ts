/**
 * Errors of this server. Upstream failures arrive as the runtime's `UpstreamError` (auth, rate
 * limit, unavailable, bad request…); this module adds the ones specific to Perplexity, each with a
 * message that tells the model what to do next.
 */
import { ToolError, UpstreamError } from '@mcp-factory/runtime';

/** The Sonar models Perplexity documents for `/chat/completions`. */
export const SONAR_MODELS = ['sonar', 'sonar-pro', 'sonar-reasoning-pro', 'sonar-deep-research'] as const;

/** The API key is not configured, so no request is sent. */
export function missingApiKey(): ToolError {
  return new ToolError(
    'PERPLEXITY_API_KEY is not set, so this server cannot call Perplexity. Ask the user to set it in the MCP client configuration of this server (see .env.example), then call again.',
  );
}

/** A model name Perplexity rejected (it answers 400 `invalid_model`; it has no endpoint listing models). */
export function unknownModel(model: string): ToolError {
  return new ToolError(
    `Perplexity has no model "${model}". Use one of ${SONAR_MODELS.join(', ')}, or leave \`model\` out for the default.`,
  );
}

/** True when `error` is Perplexity's 400 `invalid_model`. */
export function isInvalidModel(error: unknown): boolean {
  return error instanceof UpstreamError && error.status === 400 && error.upstreamCode === 'invalid_model';
}
