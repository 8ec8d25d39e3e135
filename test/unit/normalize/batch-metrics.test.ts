import { batchMetricsLine, countQuarantined, newBatchCounts, QUARANTINE_REASONS, reasonClass } from '../../../shared/normalize/batch-metrics';

/**
 * The rules of the embedded metric format specification that decide whether
 * CloudWatch extracts the metrics: a root `_aws` with an integer Timestamp
 * (ms) and CloudWatchMetrics directives; each directive a Namespace, a list
 * of dimension sets (at most 30 names each) naming root string members, and
 * at most 100 metrics, each naming a numeric root member.
 */
function emfProblems(line: string): string[] {
  const problems: string[] = [];
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return ['not JSON'];
  }
  const aws = doc._aws as { Timestamp?: unknown; CloudWatchMetrics?: unknown } | undefined;
  if (!aws || typeof aws !== 'object') return ['no _aws'];
  if (!Number.isInteger(aws.Timestamp)) problems.push('Timestamp is not an integer');
  if (!Array.isArray(aws.CloudWatchMetrics) || !aws.CloudWatchMetrics.length) return [...problems, 'no CloudWatchMetrics'];
  for (const d of aws.CloudWatchMetrics as { Namespace?: unknown; Dimensions?: unknown; Metrics?: unknown }[]) {
    if (typeof d.Namespace !== 'string' || !d.Namespace) problems.push('Namespace');
    if (!Array.isArray(d.Dimensions)) problems.push('Dimensions');
    for (const set of (d.Dimensions as unknown[][]) ?? []) {
      if (!Array.isArray(set) || set.length > 30) problems.push('dimension set');
      for (const name of set) if (typeof doc[name as string] !== 'string') problems.push(`dimension ${String(name)} has no string value`);
    }
    if (!Array.isArray(d.Metrics) || d.Metrics.length > 100) problems.push('Metrics');
    for (const m of (d.Metrics as { Name?: unknown; Unit?: unknown }[]) ?? []) {
      if (typeof m.Name !== 'string') problems.push('metric without Name');
      else if (typeof doc[m.Name] !== 'number') problems.push(`metric ${m.Name} has no numeric value`);
    }
  }
  return problems;
}

describe('normalize batch metrics (EMF)', () => {
  const counts = newBatchCounts();
  counts.recordsIn = 12;
  counts.eventsOut = 9;
  counts.continuations = 1;
  for (const r of ['no recognizable source', 'malformed JSON: Unexpected token (line 2)', 'truncated JSON document (unexpected end of input)', 'no recognizable source']) countQuarantined(counts, r);
  const line = batchMetricsLine(counts, { tenant: 'acme', stage: 'normalize' }, 1_772_445_600_000);

  test('is one valid EMF document on one line, namespace MDR, dimensions tenant and stage', () => {
    expect(line).not.toContain('\n');
    expect(emfProblems(line)).toEqual([]);
    const doc = JSON.parse(line) as Record<string, unknown> & { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] } };
    expect(doc._aws.CloudWatchMetrics[0].Namespace).toBe('MDR');
    expect(doc._aws.CloudWatchMetrics[0].Dimensions).toEqual([['tenant', 'stage']]);
    expect(doc).toMatchObject({ tenant: 'acme', stage: 'normalize', RecordsIn: 12, EventsOut: 9, Continuations: 1, Quarantined: 4 });
    expect(doc).toMatchObject({ 'Quarantined.unknown-source': 2, 'Quarantined.malformed': 1, 'Quarantined.truncated': 1, 'Quarantined.oversized': 0 });
  });

  test('the checker catches what CloudWatch would reject', () => {
    expect(emfProblems(line.replace('"RecordsIn":12', '"RecordsIn":"12"'))).toEqual(['metric RecordsIn has no numeric value']);
    expect(emfProblems(line.replace('"tenant":"acme"', '"tenant":1'))).toEqual(['dimension tenant has no string value']);
  });

  test.each([
    ['s3://b/a key unreadable: incorrect header check', 'unreadable-object'],
    ['record exceeds 1048576 characters (2000000)', 'oversized'],
    ['truncated or malformed JSON document (line 4)', 'truncated'],
    ['malformed JSON: Unexpected token } (log group /app, log event 1)', 'malformed'],
    ['CloudWatch Logs data is not base64 gzip: incorrect header check', 'malformed'],
    ['VPC Flow Log line does not have 14 fields (line 3)', 'malformed'],
    ['no recognizable source (s3://b/k line 2)', 'unknown-source'],
    ['eventTime: expected a timestamp string, got number', 'invalid-field'],
    ['start: missing required field (no start or end time)', 'invalid-field'],
    ['mapper failed: TypeError: x is undefined', 'mapper-error'],
    ['empty message', 'empty'],
    ['record produced no events', 'other'],
  ])('reason %j is counted as %s', (reason, cls) => {
    expect(reasonClass(reason)).toBe(cls);
    expect(QUARANTINE_REASONS).toContain(cls);
  });
});
