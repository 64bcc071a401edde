/**
 * Generic table layout: knows columns, alignment and cells, nothing of statistics (benchstat's
 * Table → ToText/ToCSV layer). Every renderer of every command lays its tables out here.
 */
import { markdownTable } from 'markdown-table';
import { escapeMarkdown, escapeTerminal } from './escape.js';

export interface Grid {
  columns: string[];
  /** 'l' or 'r' per column. */
  align: ('l' | 'r')[];
  /** Plain, unescaped cell text. */
  rows: string[][];
}

/** Aligned columns for terminals and logs; every cell is escaped, since names come from user files. */
export function layoutText(grid: Grid): string {
  // Escape before measuring widths: an escaped cell is wider than the raw one.
  const rows = [grid.columns, ...grid.rows].map((row) => row.map(escapeTerminal));
  const width = (cell: string) => [...cell].length;
  const widths = grid.columns.map((_, i) => Math.max(...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => {
        const pad = ' '.repeat((widths[i] ?? 0) - width(cell));
        return grid.align[i] === 'r' ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  return rows.map(line).join('\n');
}

/** A GitHub-flavoured markdown table; every cell is escaped, since names come from user files. */
export function layoutMarkdown(grid: Grid): string {
  const rows = grid.rows.map((row) => row.map(escapeMarkdown));
  return markdownTable([grid.columns.map(escapeMarkdown), ...rows], { align: grid.align });
}
