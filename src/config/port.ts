/**
 * `${PERFGATE_PORT}`: the port perfgate chooses for a service, one per side of an interleaved run,
 * so that the base's and the head's services can run at once (docs/config.md, "Ports"). The
 * reference is kept as written when the config loads (the config hash does not depend on a port
 * chosen at run time), and `withPort` fills it in for one side. Pure.
 */
export const PORT_VARIABLE = 'PERFGATE_PORT';
export const PORT_REFERENCE = '${PERFGATE_PORT}';

/** A valid port that stands in for the reference where a URL must parse before the port is known. */
const STAND_IN = '65535';

/** Does the config (or any part of it) leave the port to perfgate? */
export const usesPort = (value: unknown): boolean =>
  JSON.stringify(value ?? null).includes(PORT_REFERENCE);

/** Every string of `value` with the reference replaced by `port`: one side's config. */
export function withPort<T>(value: T, port: number): T {
  const fill = (node: unknown): unknown => {
    if (typeof node === 'string') return node.split(PORT_REFERENCE).join(String(port));
    if (Array.isArray(node)) return node.map(fill);
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, fill(v)]));
    }
    return node;
  };
  return fill(value) as T;
}

/** An http(s) URL, or one that becomes one once the port is filled in. */
export function isHttpUrl(text: string): boolean {
  const url = URL.canParse(text.split(PORT_REFERENCE).join(STAND_IN))
    ? new URL(text.split(PORT_REFERENCE).join(STAND_IN))
    : undefined;
  return url !== undefined && (url.protocol === 'http:' || url.protocol === 'https:');
}

/** The origin of such a URL (`http://127.0.0.1:${PERFGATE_PORT}`), the reference kept. */
export function originOf(url: string): string {
  const origin = new URL(url.split(PORT_REFERENCE).join(STAND_IN)).origin;
  return url.includes(PORT_REFERENCE)
    ? origin.replace(`:${STAND_IN}`, `:${PORT_REFERENCE}`)
    : origin;
}
