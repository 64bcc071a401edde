/** Types of workload.mjs, for TypeScript callers (tests, perfgate's runner). */
export interface DemoRequest {
  method: 'POST';
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface WorkloadOptions {
  seed?: number;
  s?: number;
  vocabularySize?: number;
}

export interface Workload {
  vocabulary: string[];
  embedRequest(index: number): DemoRequest;
  searchRequest(index: number): DemoRequest;
  upsertRequest(index: number): DemoRequest;
  mixedRequest(index: number): DemoRequest;
}

export function zipfSampler(n: number, s: number, seed: number): () => number;
export function makeWorkload(options?: WorkloadOptions): Workload;
export function searchRequest(index: number): DemoRequest;
export function upsertRequest(index: number): DemoRequest;
export function mixedRequest(index: number): DemoRequest;
export default function embedRequest(index: number): DemoRequest;
