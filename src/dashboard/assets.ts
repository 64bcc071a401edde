/**
 * The files the dashboard site carries besides its data: the page, its script and style, and
 * uPlot (the chart library), so that the site works offline and without a CDN.
 *
 * Each is named as an import would name it and read by `inlineText`. Running from source, that
 * reads the file from disk; the bundle (dist/) runs where no node_modules lie beside it, so
 * rollup.config.mjs replaces every call of inlineText in this file by the text of its file at
 * build time, and fails the build when one is left.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

function inlineText(specifier: string): string {
  const file = specifier.startsWith('.')
    ? fileURLToPath(new URL(specifier, import.meta.url))
    : createRequire(import.meta.url).resolve(specifier);
  return readFileSync(file, 'utf8');
}

/** Site path → its text; read when called, not when this module is imported. */
export const SITE_FILES: Record<string, () => string> = {
  'index.html': () => inlineText('./site/index.html'),
  'assets/dashboard.js': () => inlineText('./site/dashboard.js'),
  'assets/dashboard.css': () => inlineText('./site/dashboard.css'),
  'assets/uPlot.iife.min.js': () => inlineText('uplot/dist/uPlot.iife.min.js'),
  'assets/uPlot.min.css': () => inlineText('uplot/dist/uPlot.min.css'),
};
