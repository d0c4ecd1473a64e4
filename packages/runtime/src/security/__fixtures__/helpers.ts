// Shared by the security tests: an authorization server's keys and JWKS on a loopback port, signed
// access tokens, raw HTTP requests with full control of the headers, and the official client with
// a bearer token.
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

/** A signing key pair with its public JWK. */
export interface SigningKey {
  readonly alg: string;
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

export async function signingKey(alg: 'RS256' | 'ES256' | 'PS256', kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { alg, kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** A JWKS document on 127.0.0.1, counting how often it is fetched. */
export interface JwksServer {
  readonly url: string;
  readonly fetches: number;
  close(): Promise<void>;
}

export async function serveJwks(keys: readonly SigningKey[]): Promise<JwksServer> {
  let fetches = 0;
  const server: Server = createServer((_req, res) => {
    fetches += 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: keys.map((key) => key.publicJwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/jwks.json`,
    get fetches() {
      return fetches;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Signs an access token; `claims` override the defaults (a 5-minute token for `audience`). */
export async function accessToken(
  key: SigningKey,
  claims: JWTPayload & { iss: string; aud: string | string[] },
  options: { alg?: string; kid?: string; noExpiry?: boolean } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const { exp, iat, ...rest } = claims;
  const jwt = new SignJWT({ sub: 'user-1', ...rest })
    .setProtectedHeader({ alg: options.alg ?? key.alg, kid: options.kid ?? key.kid, typ: 'at+jwt' })
    .setIssuedAt(iat ?? now);
  if (options.noExpiry !== true) jwt.setExpirationTime(exp ?? now + 300);
  return jwt.sign(key.privateKey);
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One HTTP request with full control over the headers (fetch forbids setting Host). */
export function raw(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'POST', headers: options.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      );
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

export const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

export const initialize = (protocolVersion = '2025-06-18'): string =>
  JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion, capabilities: {}, clientInfo: { name: 'raw', version: '1.0.0' } },
  });

/** A POST of `initialize` with `token` (when given) and extra headers. */
export function post(
  url: string,
  token: string | undefined,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  return raw(url, {
    headers: {
      ...JSON_HEADERS,
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...headers,
    },
    body: initialize(),
  });
}

/** The JSON-RPC error of a refusal body. */
export function rpcError(response: RawResponse): { code: number; message: string } {
  const body = JSON.parse(response.body) as { jsonrpc: string; id: unknown; error: { code: number; message: string } };
  if (body.jsonrpc !== '2.0' || body.id !== null) throw new Error(`not a JSON-RPC error body: ${response.body}`);
  return body.error;
}

/** The official client, connected with `Authorization: Bearer <token>`, as a 2025-era or a 2026-07-28 client. */
export async function connectWithToken(
  url: string,
  token: string | undefined,
  era: 'legacy' | 'modern' = 'legacy',
): Promise<Client> {
  const client = new Client(
    { name: 'security-test', version: '1.0.0' },
    era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {},
  );
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } },
    }),
  );
  return client;
}
