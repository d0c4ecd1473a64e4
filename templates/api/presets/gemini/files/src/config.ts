/**
 * Configuration from the environment, validated at start-up. A missing GEMINI_API_KEY is allowed
 * (the server starts and its tools say what to set); a malformed value stops the server with a
 * message that names the variable.
 */
import { ConfigError, z } from '@mcp-factory/runtime';

const Env = z.object({
  GEMINI_API_KEY: z
    .string()
    .trim()
    .transform((value) => (value === '' ? undefined : value))
    .optional(),
  GEMINI_BASE_URL: z.url({ protocol: /^https?$/ }).default('https://generativelanguage.googleapis.com'),
  GEMINI_MODEL: z
    .string()
    .trim()
    .regex(/^(models\/)?[\w.-]+$/, 'a model id such as gemini-2.5-flash')
    .default('gemini-2.5-flash'),
  // Thinking models spend part of this budget on reasoning before they write, so it is generous.
  GEMINI_MAX_TOKENS: z.coerce.number().int().min(1).max(65_536).default(8192),
  GEMINI_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(60_000),
});

export interface Config {
  /** Base URL of the API, without the version (the client adds `/v1beta`). */
  readonly baseUrl: string;
  /** Sent as `x-goog-api-key`, never in the URL; `undefined` until configured. */
  readonly apiKey: string | undefined;
  /** Model used when a call names none. */
  readonly model: string;
  /** `generationConfig.maxOutputTokens` used when a call gives none. */
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
    baseUrl: data.GEMINI_BASE_URL,
    apiKey: data.GEMINI_API_KEY,
    model: data.GEMINI_MODEL.replace(/^models\//, ''),
    maxTokens: data.GEMINI_MAX_TOKENS,
    timeoutMs: data.GEMINI_TIMEOUT_MS,
  };
}
