// `npm run fake-upstream`: runs the fake Anthropic API and prints one JSON line with its URL, the
// environment that points this server at it (ANTHROPIC_BASE_URL, ANTHROPIC_API_KEY) and an example
// call (the factory's demo reads that line).
import { runFakeUpstreamMain } from '@mcp-factory/runtime/fake';

import { FAKE_API_KEY, fakeApiOptions } from './upstream.js';

const apiKey = process.env.FAKE_API_KEY ?? FAKE_API_KEY;
void runFakeUpstreamMain(fakeApiOptions(apiKey), {
  env: (url) => ({ ANTHROPIC_BASE_URL: url, ANTHROPIC_API_KEY: apiKey }),
  example: { tool: 'ask', arguments: { prompt: 'Say hello in five words.' } },
});
