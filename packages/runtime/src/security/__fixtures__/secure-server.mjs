// A generated-style server for the process tests in processes.test.ts: the test bundles it from the
// runtime's source with esbuild (dependencies left external) into the repository's .tmp folder and
// runs it with `node`, configured through the environment like a deployed server.
import { createServer, defineTool, runMain } from '../../index.js';

const app = createServer({
  name: 'secure-fixture',
  version: '1.0.0',
  tools: [
    defineTool({ name: 'echo', description: 'Answers ok', run: () => 'ok' }),
    defineTool({ name: 'admin', description: 'Needs the admin scope', scopes: ['admin'], run: () => 'admin ok' }),
    defineTool({
      name: 'careless',
      description: 'Logs its whole auth info, the way careless code does',
      run: (_args, ctx) => {
        ctx.log.info({ authInfo: ctx.authInfo, auth: ctx.authInfo }, 'caller');
        return 'logged';
      },
    }),
  ],
});

await runMain(app);
