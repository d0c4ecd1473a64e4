import { fileURLToPath } from 'node:url';

/** The built bin. `npm test` builds before running the suite. */
export const BIN = fileURLToPath(new URL('../../dist/index.cjs', import.meta.url));
