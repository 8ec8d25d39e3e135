import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runDetect } from '../../../cli/commands/detect';
import { buildFinding } from '../../../shared/detect/detector';
import { readRuleFiles } from '../../../shared/detect/rule-files';
import { compileRules } from '../../../shared/detect/sigma';
import { normalizeRecord } from '../../../shared/normalize/registry';
import { cloudTrailEnvelope } from '../../fixtures/cloudtrail';

/** A bare CloudTrail record (as in a log file), by event name. */
function record(eventName: string, eventSource: string, id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...(JSON.parse(cloudTrailEnvelope(eventName, eventSource, 'mallory', id)).detail as Record<string, unknown>), ...extra };
}

const failedLogin = (id: string, minute: number) =>
  record('ConsoleLogin', 'signin.amazonaws.com', id, {
    eventTime: `2026-11-20T09:${String(10 + minute).padStart(2, '0')}:00Z`,
    eventType: 'AwsConsoleSignIn',
    responseElements: { ConsoleLogin: 'Failure' },
  });

describe('mdr detect', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mdr-detect-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function detect(rules: string[], input: string[]) {
    const lines: Record<string, unknown>[] = [];
    const warnings: string[] = [];
    const report = await runDetect({ rules, input, tenant: 'acme' }, (l) => lines.push(JSON.parse(l)), (l) => warnings.push(l));
    return { lines, warnings, report };
  }

  it('prints one line per finding with the rule, the file as opened and the event position, across input shapes', async () => {
    const logFile = join(dir, 'trail.json.gz');
    writeFileSync(logFile, gzipSync(JSON.stringify({ Records: [record('DescribeTrails', 'cloudtrail.amazonaws.com', 'a0'), record('StopLogging', 'cloudtrail.amazonaws.com', 'a1')] })));
    const ndjson = join(dir, 'events.ndjson');
    writeFileSync(ndjson, [cloudTrailEnvelope('StopLogging', 'cloudtrail.amazonaws.com', 'bob', 'b0'), '{"truncated":', JSON.stringify(record('DeleteDetector', 'guardduty.amazonaws.com', 'b2'))].join('\n'));
    const { lines, warnings, report } = await detect(['rules/aws/cloudtrail'], [logFile, ndjson]);

    expect(lines.map((l) => [(l.rule as { id: string }).id.length > 0, (l.input as object), (l.event as { uid: string }).uid])).toEqual([
      [true, { file: logFile, index: 1 }, 'a1'],
      [true, { file: ndjson, index: 0 }, 'b0'],
      // The truncated line keeps its place: the next record is the third of the file.
      [true, { file: ndjson, index: 2 }, 'b2'],
    ]);
    for (const l of lines) expect(l.rule).toEqual(expect.objectContaining({ title: expect.any(String), level: expect.stringMatching(/^(informational|low|medium|high|critical)$/) }));
    expect(warnings).toEqual([expect.stringContaining(`${ndjson}:2`)]);
    expect(report).toMatchObject({ events: 4, findings: 3, rejected: 1 });
  });

  it('gives each finding the id and entities the detect function gives it, so offline and deployed findings match', async () => {
    const file = join(dir, 'one.json');
    writeFileSync(file, cloudTrailEnvelope('StopLogging', 'cloudtrail.amazonaws.com', 'carol', 'c0'));
    const { lines } = await detect(['rules/aws/cloudtrail'], [file]);
    const rules = compileRules(readRuleFiles(['rules/aws/cloudtrail']));
    const normalized = normalizeRecord(JSON.parse(cloudTrailEnvelope('StopLogging', 'cloudtrail.amazonaws.com', 'carol', 'c0')));
    if (!normalized.ok) throw new Error(normalized.reason);
    const [event] = normalized.events;
    const expected = rules.evaluateEvent(event).map((rule) => buildFinding(rule, event, { tenantId: 'acme', now: new Date() }));
    expect(expected.length).toBeGreaterThan(0);
    expect(lines.map((l) => [l.findingId, l.entities])).toEqual(expected.map((f) => [f.findingId, f.entities]));
    expect(lines[0].entities).toEqual(expect.objectContaining({ users: ['carol'] }));
  });

  it('names the correlation rule and the events it joins, with their files and positions', async () => {
    const file = join(dir, 'logins.ndjson');
    writeFileSync(file, [0, 1, 2].map((i) => JSON.stringify(failedLogin(`l${i}`, i))).join('\n'));
    const { lines } = await detect(['test/fixtures/sigmahq-style/cloud/aws/cloudtrail/aws_console_login_failures_from_one_ip.yml'], [file]);
    const correlations = lines.filter((l) => (l.rule as { correlation?: string }).correlation);
    expect(correlations).toEqual([
      expect.objectContaining({
        rule: expect.objectContaining({ id: 'd10d1671-95cd-46c6-9ec5-cc6236257868', correlation: 'event_count' }),
        input: { file, index: 2 },
        events: [0, 1, 2].map((i) => ({ uid: `l${i}`, file, index: i })),
      }),
    ]);
    // A rule a correlation refers to alerts only through it (Sigma: `generate` defaults to false).
    expect(lines).toHaveLength(1);
  });
});
