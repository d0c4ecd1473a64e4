/**
 * Configuration from the environment, validated at start-up. A missing OPENAI_API_KEY is allowed
 * (the server starts and its tools say what to set); a malformed value stops the server with a
 * message that names the variable.
 */
import { ConfigError, z } from '@mcp-factory/runtime';

const optionalSecret = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const Env = z.object({
  OPENAI_API_KEY: optionalSecret,
  OPENAI_BASE_URL: z.url({ protocol: /^https?$/ }).default('https://api.openai.com/v1'),
  OPENAI_MODEL: z.string().trim().min(1).default('gpt-4.1-mini'),
  OPENAI_MAX_TOKENS: z.coerce.number().int().min(1).max(200_000).default(4096),
  OPENAI_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(60_000),
  OPENAI_ORG_ID: optionalSecret,
  OPENAI_PROJECT_ID: optionalSecret,
});

export interface Config {
  /** Base URL of the API, including `/v1` (an OpenAI-compatible gateway works too). */
  readonly baseUrl: string;
  /** Sent as `Authorization: Bearer`; `undefined` until configured. */
  readonly apiKey: string | undefined;
  /** Model used when a call names none. */
  readonly model: string;
  /** `max_completion_tokens` used when a call gives none. */
  readonly maxTokens: number;
  /** Per-request timeout towards the API, in milliseconds (tools get 5 s more). */
  readonly timeoutMs: number;
  /** `OpenAI-Organization` header, for keys in several organizations. */
  readonly organization?: string | undefined;
  /** `OpenAI-Project` header, for keys in several projects. */
  readonly project?: string | undefined;
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
    baseUrl: data.OPENAI_BASE_URL,
    apiKey: data.OPENAI_API_KEY,
    model: data.OPENAI_MODEL,
    maxTokens: data.OPENAI_MAX_TOKENS,
    timeoutMs: data.OPENAI_TIMEOUT_MS,
    organization: data.OPENAI_ORG_ID,
    project: data.OPENAI_PROJECT_ID,
  };
}
