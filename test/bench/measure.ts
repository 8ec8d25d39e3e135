/** Timing helpers and machine description for the benchmarks. */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

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

/** Bare JSON.parse of every document of the texts: one parse per body, or per line for NDJSON. */
export function parseAll(bodies: readonly string[]): number {
  let n = 0;
  for (const b of bodies) {
    if (b.indexOf('\n') === -1) {
      JSON.parse(b);
      n++;
      continue;
    }
    let pos = 0;
    while (pos < b.length) {
      let end = b.indexOf('\n', pos);
      if (end === -1) end = b.length;
      if (end > pos) {
        JSON.parse(b.slice(pos, end));
        n++;
      }
      pos = end + 1;
    }
  }
  return n;
}

let gcFn: (() => void) | undefined;

/** A full collection, exposed at run time when node was started without --expose-gc (as tsx starts it). */
export function fullGc(): void {
  if (!gcFn) {
    gcFn = (globalThis as { gc?: () => void }).gc;
    if (!gcFn) {
      setFlagsFromString('--expose-gc');
      gcFn = runInNewContext('gc') as () => void;
    }
  }
  gcFn();
}

/** CPU ms (user + system) the process has spent since `start`. */
function cpuMsSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

/** CPU ms of one call, process-wide (garbage collection included). */
export function cpuMs(fn: () => unknown): number {
  const t = process.cpuUsage();
  fn();
  return cpuMsSince(t);
}

/** cpuMs of a call that returns a promise, awaited (`mdr detect` awaits its correlation store). */
export async function cpuMsAwaited(fn: () => Promise<unknown>): Promise<number> {
  const t = process.cpuUsage();
  await fn();
  return cpuMsSince(t);
}

/**
 * Median CPU ms of `a` and of `b`, run one after the other `runs` times after
 * one warm-up each, with no collection forced between runs: alternated, both
 * see the same machine, and a ratio of the two cancels what the machine was
 * doing meanwhile.
 */
export function alternatedCpuMs(a: () => unknown, b: () => unknown, runs: number): [number, number] {
  a();
  b();
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i < runs; i++) {
    as.push(cpuMs(a));
    bs.push(cpuMs(b));
  }
  return [median(as), median(bs)];
}

/** The collection medianCpuMs runs by default: only when node was started with --expose-gc. */
const gcIfExposed = (): void => (globalThis as { gc?: () => void }).gc?.();

/**
 * Median CPU time (user + system, all threads of the process: garbage
 * collection included) of `fn`, in ms, after one warm-up run, with `collect`
 * (not timed) before each run. CPU time rather than wall time because the
 * machine is shared: another process taking the core stretches wall time but
 * not the work done.
 */
export function medianCpuMs(fn: () => void, runs: number, collect: () => void = gcIfExposed): number {
  collect();
  fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    collect();
    times.push(cpuMs(fn));
  }
  return median(times);
}
