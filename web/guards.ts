import type { FastifyReply, FastifyRequest } from 'fastify';
import { forbiddenInLine, forbiddenInText, forbiddenTextMessage } from '../contracts/values';
import { badRequest, HttpProblem } from './problems';

/**
 * Request-wide guards, applied once by the app to every route (new ones included): security
 * headers, the Host check against DNS rebinding, and the refusal of control characters in
 * every value a route reads.
 */

/**
 * Headers every answer carries (what @fastify/helmet sets for an api), and no caching: most
 * answers hold personal data, and the few that do not are cheap to recompute.
 */
const securityHeaders: Record<string, string> = {
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'DENY',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

/**
 * Sets the security headers on the raw response, so that answers written past Fastify (the event
 * streams) carry them too; a route may still override one (a stream's content type, say).
 */
export function setSecurityHeaders(reply: FastifyReply): void {
  for (const [name, value] of Object.entries(securityHeaders)) reply.raw.setHeader(name, value);
}

/** Routes a load balancer or scraper calls by address: no data, so no Host check. */
const hostFree = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * Refuses a request whose Host header is not one of the api's names, so a page on another name
 * that resolves to this machine (DNS rebinding) cannot call the api. `host:port` entries match
 * exactly; a bare `host` matches any port.
 */
export function createHostCheck(allowedHosts: readonly string[]): (request: FastifyRequest) => void {
  const allowed = new Set(allowedHosts.map((host) => host.toLowerCase()));
  return (request) => {
    if (hostFree.has(request.url.split('?')[0]!)) return;
    const host = (request.headers.host ?? '').toLowerCase();
    const name = host.replace(/:\d+$/, '');
    const withPort = host === name ? `${host}:80` : host;
    if (allowed.has(withPort) || allowed.has(name)) return;
    throw new HttpProblem(421, 'Misdirected Request', `this api does not answer for host ${JSON.stringify(host)}`, [
      { path: 'headers.host', message: `must be one of ${[...allowed].join(', ')}` },
    ]);
  };
}

const describeCharacter = (text: string, index: number) =>
  `U+${text.codePointAt(index)!.toString(16).toUpperCase().padStart(4, '0')} at position ${index}`;

/**
 * The path of every string (and object key) in a value that holds a forbidden character. Walks
 * without recursion: a parsed JSON body may be nested deeper than the stack allows.
 */
export function forbiddenCharacters(
  value: unknown,
  root: string,
  pattern: RegExp,
  limit = 20,
): { path: string; message: string }[] {
  const found: { path: string; message: string }[] = [];
  const check = (text: string, path: string) => {
    const match = pattern.exec(text);
    if (match) found.push({ path, message: `${forbiddenTextMessage} (${describeCharacter(text, match.index)})` });
  };
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length > 0 && found.length < limit) {
    const [item, path] = stack.pop()!;
    if (typeof item === 'string') check(item, path);
    else if (Array.isArray(item)) item.forEach((element, i) => stack.push([element, `${path}.${i}`]));
    else if (item !== null && typeof item === 'object')
      for (const [key, element] of Object.entries(item)) {
        check(key, `${path}.${key}`);
        stack.push([element, `${path}.${key}`]);
      }
  }
  return found;
}

/** Names of the headers a route reads as data: those its schema declares. */
function declaredHeaders(request: FastifyRequest): string[] {
  const schema = request.routeOptions.schema?.headers as { shape?: Record<string, unknown> } | undefined;
  return schema?.shape ? Object.keys(schema.shape) : [];
}

/**
 * Refuses control characters and unpaired surrogates in path and query parameters, declared
 * headers and the body, with 400 naming each field, before any route looks at them. Free text in
 * a body may hold tab and line breaks; one-line values may not.
 */
export function refuseControlCharacters(request: FastifyRequest): void {
  const headers = Object.fromEntries(declaredHeaders(request).map((name) => [name, request.headers[name]]));
  const errors = [
    ...forbiddenCharacters(request.params, 'params', forbiddenInLine),
    ...forbiddenCharacters(request.query, 'query', forbiddenInLine),
    ...forbiddenCharacters(headers, 'headers', /[\u0000-\u0008\u000A-\u001F\u007F-\u009F]|\p{Cs}/u),
    ...forbiddenCharacters(request.body, 'body', forbiddenInText),
  ];
  if (errors.length > 0)
    throw badRequest(`invalid request: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, errors);
}
