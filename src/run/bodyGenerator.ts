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
import { InputError } from '../errors.js';
import type { HttpRequestSpec } from './http.js';

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
  return specs.map((spec) => {
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
    throw new InputError(`cannot import the module: ${String(error)}`, modulePath, 'bodyGenerator');
  }
  const generator = loaded.default;
  if (typeof generator !== 'function') {
    throw new InputError(
      `its default export must be a function (index: number) => request, got ${typeof generator}`,
      modulePath,
      'bodyGenerator',
    );
  }
  return (index) => {
    let spec: unknown;
    try {
      spec = generator(index);
    } catch (error) {
      throw new InputError(
        `threw for request ${index}: ${String(error)}`,
        modulePath,
        'bodyGenerator',
      );
    }
    return checkSpec(spec, modulePath, index);
  };
}

/** Generators are user code: check the shape here, where the error can name the module. */
function checkSpec(value: unknown, modulePath: string, index: number): Partial<HttpRequestSpec> {
  const problem = specProblem(value);
  if (problem) {
    throw new InputError(
      `request ${index} ${problem}, got ${JSON.stringify(value)}`,
      modulePath,
      'bodyGenerator',
    );
  }
  return value as Partial<HttpRequestSpec>;
}

function specProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'must be an object';
  const { path, method, body, headers } = value as Record<string, unknown>;
  if (path !== undefined && !(typeof path === 'string' && path.startsWith('/'))) {
    return 'needs a "path" that starts with "/"';
  }
  if (method !== undefined && typeof method !== 'string') return 'needs a string "method"';
  if (body !== undefined && typeof body !== 'string' && (typeof body !== 'object' || !body)) {
    return 'needs a "body" that is a string or an object';
  }
  if (headers !== undefined && (typeof headers !== 'object' || !headers)) {
    return 'needs "headers" as an object';
  }
  return undefined;
}
