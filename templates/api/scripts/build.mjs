// Bundles the server into dist/server.cjs, writes the bin dist/index.cjs (a launcher that uses
// V8's code cache for fast cold starts) and bundles the fake upstream for `npm run fake-upstream`.
import { buildServer } from '@mcp-factory/runtime/build';

const result = await buildServer({ extra: { 'fake-upstream': 'fake/main.ts' } });
process.stderr.write(
  `built dist/ (server bundle ${Math.round(result.serverBytes / 1024)} KiB, code cache ${result.cacheWarmed ? 'warm' : 'cold'})\n`,
);
