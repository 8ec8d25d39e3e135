/**
 * Memory of the S3 ingest path by file size: generates gzip CloudTrail log
 * files (`{"Records":[…]}`) of growing size into a temporary directory,
 * streams each through the normalize path in a fresh process
 * (s3-memory-worker.ts) and reports that process's peak RSS. The files are
 * deleted when measured. Flat memory means the peak does not grow with the
 * file.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { createGzip, constants } from 'node:zlib';
import { apiCatalogue, cloudTrailRecord, Rng } from './generators';
import { fmt, table } from './measure';

export interface S3MemoryRow {
  /** Uncompressed size of the log file, bytes. */
  bytes: number;
  gzipBytes: number;
  records: number;
  events: number;
  seconds: number;
  peakRssMb: number;
}

const MB = 1024 * 1024;

/** Writes a gzip CloudTrail log file of about `bytes` uncompressed; distinct event ids, varied records. */
async function writeLogFile(path: string, bytes: number): Promise<void> {
  const r = new Rng(11);
  const calls = apiCatalogue();
  // A few thousand distinct records, each written many times with its own eventID.
  const templates = Array.from({ length: 4000 }, (_, i) => JSON.stringify({ ...cloudTrailRecord(r, calls, i), eventID: '@ID@' }));
  const gz = createGzip({ level: constants.Z_BEST_SPEED });
  const out = createWriteStream(path);
  gz.pipe(out);
  const write = async (s: string) => {
    if (!gz.write(s)) await once(gz, 'drain');
  };
  await write('{"Records":[');
  let written = 12;
  let chunk: string[] = [];
  for (let i = 0; written < bytes; i++) {
    const rec = templates[i % templates.length].replace('@ID@', `bench-${i.toString(36)}`);
    chunk.push(i === 0 ? rec : `,${rec}`);
    written += rec.length + 1;
    if (chunk.length === 1000) {
      await write(chunk.join(''));
      chunk = [];
    }
  }
  await write(`${chunk.join('')}]}`);
  gz.end();
  await once(out, 'finish');
}

export async function benchS3Memory(o: { quick: boolean; log: (l: string) => void }): Promise<S3MemoryRow[]> {
  const sizes = o.quick ? [16 * MB, 128 * MB] : [64 * MB, 1024 * MB];
  const dir = mkdtempSync(join(tmpdir(), 'mdr-s3mem-'));
  const rows: S3MemoryRow[] = [];
  // Run the worker the way this file runs: compiled JavaScript, or TypeScript through the same loader (tsx).
  const worker = join(__dirname, `s3-memory-worker${__filename.endsWith('.ts') ? '.ts' : '.js'}`);
  try {
    for (const bytes of sizes) {
      const path = join(dir, `cloudtrail-${bytes / MB}MB.json.gz`);
      o.log(`s3 memory: writing ${bytes / MB} MB (uncompressed) gzip log file`);
      await writeLogFile(path, bytes);
      const gzipBytes = statSync(path).size;
      const res = spawnSync(process.execPath, [...process.execArgv, worker, path], { encoding: 'utf8', maxBuffer: 1 << 20 });
      rmSync(path, { force: true });
      if (res.status !== 0) throw new Error(`s3 memory worker failed: ${res.stderr}`);
      const m = JSON.parse(res.stdout.trim().split('\n').pop() as string) as { records: number; events: number; seconds: number; peakRssMb: number };
      rows.push({ bytes, gzipBytes, ...m });
      o.log(`s3 memory: ${bytes / MB} MB: ${fmt.int(m.records)} records in ${m.seconds.toFixed(1)} s, peak RSS ${m.peakRssMb.toFixed(0)} MB`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

export function s3MemoryMarkdown(rows: readonly S3MemoryRow[]): string {
  return table(
    ['log file (uncompressed)', 'gzip', 'records', 'events', 'seconds', 'events/s', 'peak RSS MB'],
    rows.map((x) => [`${fmt.int(x.bytes / MB)} MB`, `${fmt.int(x.gzipBytes / MB)} MB`, fmt.int(x.records), fmt.int(x.events), x.seconds.toFixed(1), fmt.int(x.events / x.seconds), x.peakRssMb.toFixed(0)]),
  );
}
