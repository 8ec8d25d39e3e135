/** Timing helpers and machine description for the benchmarks. */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Milliseconds of one call. */
export function timeMs(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/** medianMs for work that awaits (the `mdr detect` path). */
export async function medianMsAsync(fn: () => Promise<void>, runs: number): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    const t = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return median(times);
}

/**
 * Runs `fn` once to warm up (JIT, caches), then `runs` times; returns the
 * median duration in ms. A GC is requested between runs when exposed.
 */
export function medianMs(fn: () => void, runs: number): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    times.push(timeMs(fn));
  }
  return median(times);
}

export interface Machine {
  cpu: string;
  cores: number;
  node: string;
  date: string;
  platform: string;
}

export function machine(): Machine {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1].trim();
  } catch {
    // not Linux: keep os.cpus()
  }
  return { cpu, cores: cpus().length, node: process.version, date: new Date().toISOString(), platform: `${process.platform} ${process.arch}` };
}

export const fmt = {
  int: (n: number) => Math.round(n).toLocaleString('en-US'),
  ms: (n: number, digits = 1) => n.toFixed(digits),
  us: (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(1)),
  kb: (bytes: number) => (bytes / 1024).toFixed(1),
  pct: (n: number) => `${Math.round(n * 100)}%`,
};

/** A Markdown table. */
export function table(head: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const line = (cells: readonly (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}
