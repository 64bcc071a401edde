/**
 * The dashboard as files: the static page and its assets (assets.ts), and `data.js`, which sets
 * the data the page draws. The data is a script rather than a JSON file because browsers refuse
 * to fetch files beside a page opened from disk (file://): the site needs no server. Pure.
 */
import { SITE_FILES } from './assets.js';
import type { DashboardData } from './data.js';

/** The global data.js sets; dashboard.js reads it. */
export const DATA_GLOBAL = 'PERFGATE_DASHBOARD';

/**
 * JSON is a JavaScript expression, so names cannot escape their strings; `<` is escaped all the
 * same, so that the data stays inert even where someone pastes it into an inline script.
 */
export function dataScript(data: DashboardData): string {
  return `globalThis.${DATA_GLOBAL} = ${JSON.stringify(data).replace(/</g, '\\u003c')};\n`;
}

/** Every file of the site, by its path relative to the site's folder. */
export function siteFiles(data: DashboardData): Map<string, string> {
  const files = new Map(Object.entries(SITE_FILES).map(([path, read]) => [path, read()]));
  files.set('data.js', dataScript(data));
  return files;
}
