/**
 * HTTP checks: a request from a foreign Origin must be refused with 403 (DNS rebinding), and a
 * foreign Host header should be refused on a loopback endpoint.
 *
 * @module
 */
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';

import { initializeParams } from '../drivers/wire.js';
import type { HttpTarget } from '../target.js';
import { fail, pass, warn, type Check } from './check.js';

/** The status a raw initialize POST got with `headers` overriding the defaults. */
export function postStatus(target: HttpTarget, headers: Record<string, string>, timeoutMs = 10_000): Promise<number> {
  const url = new URL(target.url);
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: initializeParams('2025-11-25') });
  const send = url.protocol === 'https:' ? httpsRequest : request;
  return new Promise((resolve, reject) => {
    // node:http rather than fetch: fetch does not let a caller set Host.
    const req = send(
      url,
      {
        method: 'POST',
        timeout: timeoutMs,
        headers: {
          ...target.headers,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'content-length': Buffer.byteLength(body),
          ...headers,
        },
      },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
        response.destroy();
      },
    );
    req.once('timeout', () => req.destroy(new Error('timed out')));
    req.once('error', reject);
    req.end(body);
  });
}

const FOREIGN_ORIGIN = 'http://evil.example';
const FOREIGN_HOST = 'evil.example';

const origin: Check = {
  id: 'http.foreign-origin',
  title: 'a foreign Origin is refused with 403',
  group: 'http',
  transports: ['http'],
  async run(context) {
    const status = await postStatus(
      context.target as HttpTarget,
      { origin: FOREIGN_ORIGIN },
      context.options.timeoutMs,
    );
    if (status === 403) return pass(`Origin: ${FOREIGN_ORIGIN} refused with 403`);
    return fail(`Origin: ${FOREIGN_ORIGIN} was answered ${status}, not 403 (DNS rebinding protection missing)`);
  },
};

const host: Check = {
  id: 'http.foreign-host',
  title: 'a foreign Host header is refused',
  group: 'http',
  transports: ['http'],
  async run(context) {
    const status = await postStatus(context.target as HttpTarget, { host: FOREIGN_HOST }, context.options.timeoutMs);
    if (status >= 400 && status < 500) return pass(`Host: ${FOREIGN_HOST} refused with ${status}`);
    return warn(
      `Host: ${FOREIGN_HOST} was answered ${status}; a loopback server should refuse hosts it does not serve`,
    );
  },
};

/** Checks of the HTTP group. */
export const HTTP_CHECKS: readonly Check[] = [origin, host];
