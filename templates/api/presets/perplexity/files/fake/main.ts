// `npm run fake-upstream`: runs the fake Perplexity API and prints one JSON line with its URL, the
// environment that points this server at it (PERPLEXITY_BASE_URL, PERPLEXITY_API_KEY) and an example
// call (the factory's demo reads that line).
import { runFakeUpstreamMain } from '@mcp-factory/runtime/fake';

import { FAKE_API_KEY, fakeApiOptions } from './upstream.js';

const apiKey = process.env.FAKE_API_KEY ?? FAKE_API_KEY;
void runFakeUpstreamMain(fakeApiOptions(apiKey), {
  env: (url) => ({ PERPLEXITY_BASE_URL: url, PERPLEXITY_API_KEY: apiKey }),
  example: { tool: 'search', arguments: { query: 'What is the Model Context Protocol?' } },
});
