// `npm run fake-upstream`: runs the fake API and prints {"url": ...}; point API_BASE_URL at it and
// set API_KEY to the key it accepts (FAKE_API_KEY, or the one given in FAKE_API_KEY env).
import { runFakeUpstreamMain } from '@mcp-factory/runtime/fake';

import { FAKE_API_KEY, fakeApiOptions } from './upstream.js';

void runFakeUpstreamMain(fakeApiOptions(process.env.FAKE_API_KEY ?? FAKE_API_KEY));
