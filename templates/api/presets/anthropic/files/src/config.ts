/**
 * Configuration from the environment, validated at start-up. A missing ANTHROPIC_API_KEY is allowed
 * (the server starts and its tools say what to set); a malformed value stops the server with a
 * message that names the variable.
 */
import { ConfigError, z } from '@mcp-factory/runtime';

const Env = z.object({
  ANTHROPIC_API_KEY: z
    .string()
    .trim()
    .transform((value) => (value === '' ? undefined : value))
    .optional(),
  ANTHROPIC_BASE_URL: z.url({ protocol: /^https?$/ }).default('https://api.anthropic.com'),
  ANTHROPIC_MODEL: z.string().trim().min(1).default('claude-sonnet-4-5'),
  ANTHROPIC_MAX_TOKENS: z.coerce.number().int().min(1).max(128_000).default(4096),
  ANTHROPIC_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(60_000),
});

export interface Config {
  /** Base URL of the API, without `/v1` (the client adds it), as the official SDKs take it. */
  readonly baseUrl: string;
  /** Sent as `x-api-key`; `undefined` until configured. */
  readonly apiKey: string | undefined;
  /** Model used when a call names none (an alias such as `claude-sonnet-4-5` or a dated id). */
  readonly model: string;
  /** `max_tokens` used when a call gives none (the Messages API requires one). */
  readonly maxTokens: number;
  /** Per-request timeout towards the API, in milliseconds (tools get 5 s more). */
  readonly timeoutMs: number;
}

/** Reads and validates the configuration; throws a `ConfigError` naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new ConfigError(`invalid configuration (${problems}). See .env.example.`);
  }
  const data = parsed.data;
  return {
    baseUrl: data.ANTHROPIC_BASE_URL,
    apiKey: data.ANTHROPIC_API_KEY,
    model: data.ANTHROPIC_MODEL,
    maxTokens: data.ANTHROPIC_MAX_TOKENS,
    timeoutMs: data.ANTHROPIC_TIMEOUT_MS,
  };
}
