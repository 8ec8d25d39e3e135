import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { isoTime, OfflineDetector, runDetect } from '../../../cli/commands/detect';
import { buildFinding } from '../../../shared/detect/detector';
import { readRuleFiles } from '../../../shared/detect/rule-files';
import { compileRules, type RuleSourceFile } from '../../../shared/detect/sigma';
import { SuppressionSet, parseSuppressions } from '../../../shared/detect/suppressions';
import { apiCatalogue, cloudTrailRecord, cloudTrailRuleFiles, oktaEvent, Rng, windowsEvent } from '../../bench/generators';
import { processCreationEvent, processCreationRuleFiles } from '../../bench/process-creation';
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

  it('prints the same lines, warnings and counts whether records are mapped to OCSF up front or only when a match needs it', async () => {
    // Shipped rules, generated CloudTrail and process_creation rules, OCSF rules (read on the OCSF form), a correlation.
    const ocsfRules: RuleSourceFile[] = [
      {
        path: 'ocsf/api-by-alice.yml',
        text: 'title: API call by alice\nid: 0f6c3f2e-0000-4000-8000-000000000001\nlogsource: {product: ocsf}\ndetection:\n  sel:\n    class_uid: 6003\n    actor.user.name|startswith: alice\n  condition: sel\nlevel: low\n',
      },
      {
        path: 'ocsf/process-by-bob.yml',
        text: 'title: Process launched as bob\nid: 0f6c3f2e-0000-4000-8000-000000000002\nlogsource: {product: ocsf, category: process_creation}\ndetection:\n  sel:\n    actor.user.name: bob\n  condition: sel\nlevel: low\n',
      },
    ];
    const files = [
      ...readRuleFiles(['rules', 'test/fixtures/sigmahq-style/cloud/aws/cloudtrail/aws_console_login_failures_from_one_ip.yml']),
      ...cloudTrailRuleFiles(300),
      ...processCreationRuleFiles(300),
      ...ocsfRules,
    ];
    const rules = compileRules(files);
    const suppressions = SuppressionSet.compile(parseSuppressions([{ id: 'quiet-carol', reason: 'test', match: { 'userIdentity.userName': 'carol' } }]));

    const r = new Rng(3);
    const calls = apiCatalogue();
    const good = [
      ...Array.from({ length: 400 }, (_, i) => cloudTrailRecord(r, calls, i)),
      ...Array.from({ length: 150 }, (_, i) => windowsEvent(r, i)),
      ...Array.from({ length: 150 }, (_, i) => processCreationEvent(r, i)),
      ...Array.from({ length: 50 }, (_, i) => oktaEvent(r, i)),
      ...[0, 1, 2].map((i) => failedLogin(`fl${i}`, i)),
    ];
    const ct = (i: number) => good[i] as Record<string, unknown>;
    const sysmon = (id: number, drop: string) => {
      const e = structuredClone(processCreationEvent(new Rng(id), id)) as { Event: { System: Record<string, unknown>; EventData: Record<string, unknown> } };
      e.Event.System.EventID = id;
      delete e.Event.EventData[drop];
      return e;
    };
    // Records normalize rejects, each for a reason the route must see without mapping.
    const bad = [
      { ...ct(0), eventTime: 'yesterday' },
      { ...ct(1), userIdentity: { ...(ct(1).userIdentity as object), arn: 42 } },
      { ...ct(2), userIdentity: { ...(ct(2).userIdentity as object), invokedBy: ['x'] } },
      { ...ct(3), resources: [{ ARN: 'arn:aws:s3:::b' }, 'not an object'] },
      { ...ct(4), requestParameters: 'text' },
      { ...ct(5), eventTime: '1960-01-01T00:00:00Z' },
      sysmon(13, 'TargetObject'),
      sysmon(22, 'QueryName'),
      { Event: { System: { EventID: 1, Channel: 'Security' } } },
    ];
    const carol = { ...ct(6), userIdentity: { ...(ct(6).userIdentity as object), userName: 'carol' } };
    const lines = [...good, ...bad, carol].map((x, i) => [JSON.stringify(x), i % 97 === 0 ? '{"truncated":' : ''].filter(Boolean).join('\n'));
    const text = lines.join('\n');
    const logFile = JSON.stringify({ Records: good.slice(0, 40) });

    const run = async (eager: boolean) => {
      const out: string[] = [];
      const warnings: string[] = [];
      const d = new OfflineDetector(rules, 'acme', suppressions, (l) => out.push(l), (l) => warnings.push(l), eager);
      await d.text('mixed.ndjson', text);
      await d.text('trail.json', logFile);
      return { out, warnings, report: d.report };
    };
    const eager = await run(true);
    const routed = await run(false);
    expect(routed).toEqual(eager);
    // The comparison covers what it should: findings from vendor and OCSF rules, a correlation, rejections, a suppression.
    const ids = eager.out.map((l) => (JSON.parse(l) as { rule: { id: string } }).rule.id);
    expect(ids).toEqual(expect.arrayContaining(ocsfRules.map((f) => /id: (\S+)/.exec(f.text)![1])));
    expect(eager.out.some((l) => l.includes('"correlation":"event_count"'))).toBe(true);
    expect(eager.report.rejected).toBeGreaterThanOrEqual(bad.length);
    expect(eager.report.suppressed).toEqual({ 'quiet-carol': expect.any(Number) });
    expect(eager.report.findings).toBeGreaterThan(50);
    // Each line is what JSON.stringify writes for {rule, input, event, findingId, entities}.
    for (const l of eager.out) expect(JSON.stringify(JSON.parse(l))).toBe(l);
    const plain = JSON.parse(eager.out[0]) as Record<string, Record<string, unknown>>;
    expect([Object.keys(plain), Object.keys(plain.rule), Object.keys(plain.input), Object.keys(plain.event)]).toEqual([
      ['rule', 'input', 'event', 'findingId', 'entities'],
      ['id', 'title', 'level', 'version', 'file'],
      ['file', 'index'],
      ['uid', 'source', 'time'],
    ]);
  });

  it('writes event times as toISOString does', () => {
    const r = new Rng(11);
    const times = [0, 1, 999, 59_999, 86_399_999, 86_400_000, 951_782_400_000, 1_767_225_599_999, 253_402_300_799_999, 253_402_300_800_000, 8.64e15, 1.5, 1_767_225_600_000.7];
    for (let i = 0; i < 2000; i++) times.push(Math.floor(r.next() * 253_402_300_800_000), 1_767_225_600_000 + i * 4_111);
    for (const t of times) expect(isoTime(t)).toBe(new Date(t).toISOString());
  });
});
