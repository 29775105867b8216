export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function min(values: number[]): number {
  return Math.min(...values);
}

export function max(values: number[]): number {
  return Math.max(...values);
}

export interface Summary {
  median: number;
  min: number;
  max: number;
}

export function summarize(values: number[]): Summary {
  return { median: median(values), min: min(values), max: max(values) };
}

export const fixed = (value: number, digits = 1) => value.toFixed(digits);
export const kib = (bytes: number) => (bytes / 1024).toFixed(1);
export const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

/** "median / min" of a series of readings. */
export function medMin(values: number[], format: (value: number) => string = (value) => fixed(value)): string {
  return values.length ? `${format(median(values))} / ${format(min(values))}` : '-';
}

/** An aligned text table: text columns left-aligned, anything starting with a digit right-aligned. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((row) => /^[\d-]/.test(row[i] ?? '')));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

/** The summary of a series, or null for none (a figure the run did not measure). */
export function summaryOf(values: number[]): Summary | null {
  return values.length ? summarize(values) : null;
}

/** "median / min" of a summary; '-' without one. */
export function medMinOf(summary: Summary | null | undefined, format: (value: number) => string = (value) => fixed(value)): string {
  return summary ? `${format(summary.median)} / ${format(summary.min)}` : '-';
}

/** Whole milliseconds (or MiB), for tables. */
export const whole = (value: number) => fixed(value, 0);

/** "1 run", "3 runs". */
export const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
