// perfgate.yml for tests that need a real service: the example service
// (examples/service/server.mjs) on a port of the test's choosing, one HTTP suite on /hello.
import { resolve } from 'node:path';

const SERVICE = resolve(import.meta.dirname, '../../examples/service/server.mjs');

export function exampleServiceConfig(
  port: number,
  timing: { trials: number; warmupSeconds: number; durationSeconds: number },
): string {
  return [
    'version: 1',
    'service:',
    `  command: node ${SERVICE}`,
    `  env: { PORT: '${port}' }`,
    `  healthUrl: http://127.0.0.1:${port}/health`,
    `trials: ${timing.trials}`,
    `warmupSeconds: ${timing.warmupSeconds}`,
    `durationSeconds: ${timing.durationSeconds}`,
    'suites:',
    '  - { name: api, kind: http, connections: 2, requests: [{ path: /hello }] }',
  ].join('\n');
}
