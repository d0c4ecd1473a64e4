/**
 * Configuration from the environment, validated at start-up. A missing PERPLEXITY_API_KEY is
 * allowed (the server starts and its tools say what to set); a malformed value stops the server
 * with a message that names the variable.
 */
import { ConfigError, z } from '@mcp-factory/runtime';

const Env = z.object({
  PERPLEXITY_API_KEY: z
    .string()
    .trim()
    .transform((value) => (value === '' ? undefined : value))
    .optional(),
  PERPLEXITY_BASE_URL: z.url({ protocol: /^https?$/ }).default('https://api.perplexity.ai'),
  PERPLEXITY_MODEL: z.string().trim().min(1).default('sonar'),
  PERPLEXITY_MAX_TOKENS: z.coerce.number().int().min(1).max(128_000).default(4096),
  // Searching and reading sources takes longer than a plain completion; deep research takes minutes.
  PERPLEXITY_TIMEOUT_MS: z.coerce.number().int().min(1000).max(900_000).default(120_000),
});

export interface Config {
  /** Base URL of the API (`/chat/completions` is appended). */
  readonly baseUrl: string;
  /** Sent as `Authorization: Bearer`; `undefined` until configured. */
  readonly apiKey: string | undefined;
  /** Sonar model used when a call names none. */
  readonly model: string;
  /** `max_tokens` used when a call gives none. */
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
    baseUrl: data.PERPLEXITY_BASE_URL,
    apiKey: data.PERPLEXITY_API_KEY,
    model: data.PERPLEXITY_MODEL,
    maxTokens: data.PERPLEXITY_MAX_TOKENS,
    timeoutMs: data.PERPLEXITY_TIMEOUT_MS,
  };
}
