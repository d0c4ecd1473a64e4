/**
 * Configuration from the environment, validated at start-up. A missing API key is allowed (the
 * server starts and tools say what to set); a malformed value stops the server with a message that
 * names the variable.
 */
import { ConfigError, z } from '@mcp-factory/runtime';

const Env = z.object({
  API_BASE_URL: z.url({ protocol: /^https?$/ }).default('https://api.example.com/v1'),
  API_KEY: z
    .string()
    .trim()
    .transform((value) => (value === '' ? undefined : value))
    .optional(),
  API_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
});

export interface Config {
  /** Base URL of the upstream API. */
  readonly baseUrl: string;
  /** Bearer token; `undefined` until configured. */
  readonly apiKey: string | undefined;
  /** Per-request timeout towards the upstream, in milliseconds. */
  readonly timeoutMs: number;
}

/** Reads and validates the configuration; throws a `ConfigError` naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new ConfigError(`invalid configuration (${problems}). See .env.example.`);
  }
  return { baseUrl: parsed.data.API_BASE_URL, apiKey: parsed.data.API_KEY, timeoutMs: parsed.data.API_TIMEOUT_MS };
}
