/**
 * A fake of the upstream REST API on 127.0.0.1, speaking its wire format: items under `data` in
 * snake_case, errors as `{ "error": { "code", "message" } }`, `Authorization: Bearer <key>`.
 * Tests script faults on it (`fake.fail({ status: 429, headers: { 'retry-after': '2' } })`);
 * `npm run fake-upstream` runs it for trying the server without a real API.
 */
import { startFakeUpstream, type FakeUpstream, type FakeUpstreamOptions } from '@mcp-factory/runtime/fake';

/** The key the fake accepts unless told otherwise. */
export const FAKE_API_KEY = 'fake-api-key';

interface WireItem {
  id: string;
  name: string;
  description: string;
  tags: string[];
  updated_at: string;
}

const CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  422: 'validation_failed',
  429: 'rate_limited',
  500: 'internal_error',
  502: 'bad_gateway',
  503: 'service_unavailable',
  504: 'gateway_timeout',
};

/** The API's error body. */
export function errorBody(status: number, message: string): unknown {
  return { error: { code: CODES[status] ?? 'error', message } };
}

function seedItems(): WireItem[] {
  const at = '2026-01-15T10:00:00Z';
  return [
    {
      id: 'itm_1',
      name: 'Red running shoes',
      description: 'Lightweight trail shoes',
      tags: ['shoes', 'red', 'sport'],
      updated_at: at,
    },
    {
      id: 'itm_2',
      name: 'Blue rain jacket',
      description: 'Waterproof, packable',
      tags: ['jacket', 'blue'],
      updated_at: at,
    },
    {
      id: 'itm_3',
      name: 'Red wool scarf',
      description: 'Merino, 180 cm',
      tags: ['scarf', 'red', 'winter'],
      updated_at: at,
    },
  ];
}

/** The fake's configuration for `startFakeUpstream`. */
export function fakeApiOptions(apiKey = FAKE_API_KEY): FakeUpstreamOptions {
  const items = seedItems();
  let next = items.length + 1;
  return {
    name: 'rest',
    errorBody,
    authenticate: (request) => request.headers.authorization === `Bearer ${apiKey}`,
    routes: [
      {
        method: 'GET',
        path: '/items',
        handle: (request) => {
          const words = (request.query.q ?? '').toLowerCase().split(/\s+/).filter(Boolean);
          const limit = Math.min(Number(request.query.limit ?? 10) || 10, 50);
          const matches = items.filter((item) =>
            words.every((word) =>
              `${item.name} ${item.description} ${item.tags.join(' ')}`.toLowerCase().includes(word),
            ),
          );
          return { body: { data: matches.slice(0, limit), total: matches.length } };
        },
      },
      {
        method: 'GET',
        path: '/items/:id',
        handle: (request) => {
          const item = items.find((candidate) => candidate.id === request.params.id);
          return item === undefined
            ? { status: 404, body: errorBody(404, `Item '${request.params.id ?? ''}' not found`) }
            : { body: { data: item } };
        },
      },
      {
        method: 'POST',
        path: '/items',
        handle: (request) => {
          const input = request.body as { name?: unknown; description?: unknown; tags?: unknown } | undefined;
          if (typeof input?.name !== 'string' || input.name === '') {
            return { status: 422, body: errorBody(422, 'name is required') };
          }
          const item: WireItem = {
            id: `itm_${next++}`,
            name: input.name,
            description: typeof input.description === 'string' ? input.description : '',
            tags: Array.isArray(input.tags) ? input.tags.filter((tag): tag is string => typeof tag === 'string') : [],
            updated_at: new Date().toISOString(),
          };
          items.push(item);
          return { status: 201, body: { data: item } };
        },
      },
    ],
  };
}

/** Starts the fake API on a free loopback port. */
export function startFakeApi(apiKey = FAKE_API_KEY): Promise<FakeUpstream> {
  return startFakeUpstream(fakeApiOptions(apiKey));
}
