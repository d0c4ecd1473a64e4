import type { Connection } from '@mcp-factory/runtime/testing';
import { fileURLToPath } from 'node:url';

/** The built bin. `npm test` builds before running the suite. */
export const BIN = fileURLToPath(new URL('../../dist/index.cjs', import.meta.url));

/** Client capabilities plus canned answers for sampling and elicitation, and a log of notifications. */
export function answerServerRequests(connection: Connection): { updates: string[]; logs: unknown[] } {
  const updates: string[] = [];
  const logs: unknown[] = [];
  const { client } = connection;
  client.setRequestHandler('sampling/createMessage', async () => ({
    role: 'assistant',
    content: { type: 'text', text: 'Paris.' },
    model: 'test-model',
  }));
  client.setRequestHandler('elicitation/create', async () => ({
    action: 'accept',
    content: { username: 'ada', email: 'ada@example.com' },
  }));
  client.setNotificationHandler('notifications/resources/updated', (notification) => {
    updates.push(notification.params.uri);
  });
  client.setNotificationHandler('notifications/message', (notification) => {
    logs.push(notification.params.data);
  });
  return { updates, logs };
}

/** Polls `check` until it holds or `timeoutMs` passes (notifications arrive asynchronously). */
export async function eventually(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function firstText(result: { content?: unknown }): string {
  return (result.content as { text?: string }[] | undefined)?.[0]?.text ?? '';
}

/** The client capabilities the e2e clients declare. */
export const CAPABILITIES = { sampling: {}, elicitation: {} };
