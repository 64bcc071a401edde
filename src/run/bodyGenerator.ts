/**
 * What a trial sends: request specs turned into autocannon's requests, optionally varied per
 * request by a body generator, an ES module whose default export `(index) => HttpRequestSpec`
 * makes each payload, so a load test need not replay one identical body (caches and databases
 * behave differently with varied input). The fields it returns override those of the request
 * the trial would have sent next (headers are merged), so `{ body }` alone is enough.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type autocannon from 'autocannon';
import autocannonMethods from 'autocannon/lib/httpMethods.js';
import { InputError, RunError } from '../errors.js';

/** One request of an HTTP suite, as the config (or a body generator) describes it. */
export interface HttpRequestSpec {
  /** Default GET. */
  method?: string;
  /** Appended to the base URL's path. */
  path: string;
  headers?: Record<string, string>;
  /** An object is sent as JSON, with `content-type: application/json` unless headers set one. */
  body?: string | object;
}

/** The request autocannon sends for a spec; `prefix` is the base URL's path without its last `/`. */
export function toAutocannonRequest(
  spec: Partial<HttpRequestSpec>,
  prefix: string,
): autocannon.Request {
  const headers = { ...spec.headers };
  let body = spec.body;
  if (body !== undefined && typeof body !== 'string') {
    body = JSON.stringify(body);
    if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
      headers['content-type'] = 'application/json';
    }
  }
  return {
    method: (spec.method ?? 'GET').toUpperCase() as autocannon.Request['method'],
    path: prefix + (spec.path ?? '/'),
    headers,
    ...(body === undefined ? {} : { body }),
  };
}

const PLAIN_GET: HttpRequestSpec = { method: 'GET', path: '/', headers: {} };

/**
 * autocannon's `requests`: with a generator, each is rebuilt from the generator's next result
 * every time a connection sends it. A generator's error goes to `onError` (the request is then
 * sent unchanged): thrown, it would escape autocannon's socket handlers and crash the process.
 */
export function toAutocannonRequests(
  specs: readonly HttpRequestSpec[],
  prefix: string,
  generate: RequestGenerator | null,
  onError: (error: unknown) => void,
): autocannon.Request[] {
  let nextIndex = 0;
  // A suite of a generator alone (no `requests`): the generator's fields override a plain GET /,
  // so that autocannon always has a request to send (an empty list breaks it on a reconnect).
  const bases = specs.length > 0 || !generate ? specs : [PLAIN_GET];
  return bases.map((spec) => {
    const request = toAutocannonRequest(spec, prefix);
    if (!generate) return request;
    const setupRequest = (built: autocannon.Request): autocannon.Request => {
      try {
        const generated = generate(nextIndex++);
        const headers = { ...spec.headers, ...generated.headers };
        return { ...built, ...toAutocannonRequest({ ...spec, ...generated, headers }, prefix) };
      } catch (error) {
        onError(error);
        return built;
      }
    };
    return { ...request, setupRequest };
  });
}

/** Called once per request sent, with 0, 1, 2, … across all connections of the trial. */
export type RequestGenerator = (index: number) => Partial<HttpRequestSpec>;

/** Imports `modulePath` (relative to the working directory) and returns its default export. */
export async function loadBodyGenerator(modulePath: string): Promise<RequestGenerator> {
  let loaded: { default?: unknown };
  try {
    loaded = (await import(pathToFileURL(resolve(modulePath)).href)) as { default?: unknown };
  } catch (error) {
    throw new InputError(`cannot import the module: ${String(error)}`, {
      file: modulePath,
      field: 'bodyGenerator',
    });
  }
  const generator = loaded.default;
  if (typeof generator !== 'function') {
    throw new InputError(
      `its default export must be a function (index: number) => request, got ${typeof generator}`,
      { file: modulePath, field: 'bodyGenerator' },
    );
  }
  // A generator fails only once the load is running, on a request it was asked for: that is a
  // failed run (exit 3), not bad configuration, and the message must carry the generator's own
  // error and the request index, or the user cannot reproduce it.
  return (index) => {
    let spec: unknown;
    try {
      spec = generator(index);
    } catch (error) {
      throw new RunError(
        `bodyGenerator ${modulePath}: threw for request ${index}: ${describe(error)}`,
      );
    }
    return checkSpec(spec, modulePath, index);
  };
}

/** The error's text and, when its stack shows one, where in user code it was thrown. */
function describe(error: unknown): string {
  const text = String(error);
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  // The first frame is the generator's own line: enough to find it without a whole stack trace.
  const frame = /\n\s+at (?:.*? \()?(file:[^\n)]+|\/[^\n)]+)\)?/.exec(stack)?.[1];
  return frame ? `${text} (at ${frame})` : text;
}

/**
 * Generators are user code: check the shape here, where the error can name the module. Anything
 * let through reaches autocannon's request builder, which throws from inside its socket handlers
 * (an unsupported method) where nothing can catch it, or writes it raw into the request (a CR/LF
 * in a path or header would split the request).
 */
function checkSpec(value: unknown, modulePath: string, index: number): Partial<HttpRequestSpec> {
  const problem = specProblem(value);
  if (problem) {
    throw new RunError(
      `bodyGenerator ${modulePath}: request ${index} ${problem}, got ${show(value)}`,
    );
  }
  return value as Partial<HttpRequestSpec>;
}

function show(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Methods autocannon can send; it throws for any other. */
const METHODS: readonly string[] = autocannonMethods;
/** RFC 9110 token characters: a header name. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Characters that would end a request line or header early. */
const LINE_BREAKING = /[\0\r\n]/;

function specProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'must be an object';
  if (typeof (value as { then?: unknown }).then === 'function') {
    return 'must be returned as it is, not as a Promise (the generator must be synchronous)';
  }
  const { path, method, body, headers } = value as Record<string, unknown>;
  if (path !== undefined && !(typeof path === 'string' && /^\/[^\s\0]*$/.test(path))) {
    return 'needs a "path" that starts with "/" and has no spaces or control characters';
  }
  if (
    method !== undefined &&
    !(typeof method === 'string' && METHODS.includes(method.toUpperCase()))
  ) {
    return `needs a "method" among ${METHODS.join(', ')}`;
  }
  if (body !== undefined && typeof body !== 'string') {
    if (typeof body !== 'object' || !body) return 'needs a "body" that is a string or an object';
    try {
      JSON.stringify(body);
    } catch (error) {
      return `needs a "body" that JSON can encode (${String(error)})`;
    }
  }
  if (headers !== undefined) {
    if (typeof headers !== 'object' || !headers) return 'needs "headers" as an object';
    for (const [name, text] of Object.entries(headers)) {
      if (!TOKEN.test(name)) return `has an invalid header name ${JSON.stringify(name)}`;
      if (typeof text !== 'string' || LINE_BREAKING.test(text)) {
        return `needs header ${JSON.stringify(name)} as a string without line breaks`;
      }
    }
  }
  return undefined;
}
