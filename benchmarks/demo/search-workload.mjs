// The body generator of the demo's search suite: perfgate calls a module's default export.
export { searchRequest as default } from './workload.mjs';
