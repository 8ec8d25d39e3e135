/**
 * Child process of the S3 memory benchmark (s3-memory.ts): streams one gzip
 * log file through the same path normalize takes for an S3 object
 * (streamRecords: gunzip, UTF-8 decoding, RecordSplitter; normalizeRecord;
 * packJson of the pending events every FLUSH events, the bodies dropped as
 * sending them would) and prints its counts and its own peak RSS as JSON.
 * A process of its own so the peak belongs to this file alone.
 */
import { createReadStream } from 'node:fs';
import { streamRecords } from '../../shared/aws/s3-object-records';
import { packJson } from '../../shared/aws/sqs-sender';
import { normalizeRecord } from '../../shared/normalize/registry';
import type { TelemetryEvent } from '../../shared/telemetry';

/** The normalize handler's flush threshold (functions/normalize/handler.ts). */
const FLUSH = 2000;

async function main(): Promise<void> {
  const path = process.argv[2];
  const started = process.hrtime.bigint();
  let records = 0;
  let events = 0;
  let failures = 0;
  let messages = 0;
  let pending: { item: TelemetryEvent; source: string }[] = [];
  const flush = () => {
    messages += packJson(pending, (batch) => ({ v: 1, events: batch })).length;
    pending = [];
  };
  for await (const part of streamRecords(createReadStream(path, { highWaterMark: 64 * 1024 }))) {
    failures += part.failures.length;
    for (const r of part.records) {
      records++;
      const n = normalizeRecord(r);
      if (n.ok) for (const e of n.events) pending.push({ item: e, source: 'bench' });
      else failures++;
    }
    if (pending.length >= FLUSH) {
      events += pending.length;
      flush();
    }
  }
  events += pending.length;
  flush();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  // maxRSS is in kilobytes.
  process.stdout.write(`${JSON.stringify({ records, events, failures, messages, seconds, peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
