/** `perfgate doctor`'s report: one row per check, the worst first in the summary line. */
import type { Check } from '../collect/doctor.js';
import { layoutText } from './grid.js';
import { escapeTerminal } from './escape.js';

const MARK: Record<Check['status'], string> = {
  ok: 'ok',
  warn: 'WARN',
  fail: 'FAIL',
  unknown: '?',
};

export function renderDoctorText(checks: readonly Check[]): string {
  const grid = {
    columns: ['check', 'status', 'value', 'advice'],
    align: ['l', 'l', 'l', 'l'] as ('l' | 'r')[],
    rows: checks.map((c) => [c.name, MARK[c.status], c.value, c.advice]),
  };
  const count = (status: Check['status']) => checks.filter((c) => c.status === status).length;
  const unread = checks.filter((c) => c.status === 'unknown').map((c) => c.name);
  const summary =
    `${count('fail')} failed, ${count('warn')} to watch, ${count('ok')} ok` +
    (unread.length > 0 ? `; could not read: ${unread.join(', ')}` : '');
  return `${layoutText(grid)}\n\n${escapeTerminal(summary)}\n`;
}

export function renderDoctorJson(checks: readonly Check[]): string {
  return `${JSON.stringify({ checks }, null, 2)}\n`;
}
