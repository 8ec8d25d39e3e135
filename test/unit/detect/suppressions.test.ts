import { ConfigError } from '../../../shared/config/customer-config';
import { detectEvents } from '../../../shared/detect/detector';
import { loadArtifact, parseRulesArtifact } from '../../../shared/detect/rules-artifact';
import { buildRulesArtifact } from '../../../shared/detect/rule-files';
import { SuppressionSet, parseSuppressions, type SuppressionSpec } from '../../../shared/detect/suppressions';
import { compileRules } from '../../../shared/detect/sigma';
import { normalizeRecord } from '../../../shared/normalize/registry';
import type { TelemetryEvent } from '../../../shared/telemetry';

const RULES = [
  {
    path: 'create_user.yml',
    text: `title: IAM user created
id: iam-user-created
tags: [attack.persistence, attack.t1136.003]
logsource: { product: aws, service: cloudtrail }
detection:
  sel: { eventSource: iam.amazonaws.com, eventName: CreateUser }
  condition: sel
`,
  },
  {
    path: 'stop_logging.yml',
    text: `title: Trail stopped
id: trail-stopped
tags: [attack.defense-evasion]
logsource: { product: aws, service: cloudtrail }
detection:
  sel: { eventName: StopLogging }
  condition: sel
`,
  },
];

function ct(eventName: string, arn: string, ip = '198.51.100.7', eventSource = eventName === 'StopLogging' ? 'cloudtrail.amazonaws.com' : 'iam.amazonaws.com'): TelemetryEvent {
  const r = normalizeRecord({
    eventVersion: '1.08',
    eventTime: '2026-11-20T10:00:00Z',
    eventSource,
    eventName,
    awsRegion: 'eu-west-1',
    sourceIPAddress: ip,
    userAgent: 'terraform/1.9',
    userIdentity: { type: 'AssumedRole', arn, accountId: '111122223333' },
    eventID: `${eventName}-${arn}-${ip}`,
    recipientAccountId: '111122223333',
  });
  if (!r.ok) throw new Error(r.reason);
  return r.events[0];
}

function configError(f: () => unknown): ConfigError {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

const ciDeployer: SuppressionSpec = {
  id: 'ci-deployer',
  reason: 'the CI role creates users for test stacks',
  ruleIds: ['iam-user-created'],
  match: { 'userIdentity.arn|endswith': ':assumed-role/ci-deployer/session', sourceIPAddress: ['10.0.0.1', '198.51.100.7'] },
};

describe('suppressions', () => {
  const set = compileRules(RULES);
  const ctx = { tenantId: 'acme', now: new Date('2026-11-20T10:00:05Z') };

  it('silence the named rule on matching events only, counting per suppression', async () => {
    const sup = SuppressionSet.compile([ciDeployer]);
    const events = [
      ct('CreateUser', 'arn:aws:sts::111122223333:assumed-role/ci-deployer/session'),
      ct('CreateUser', 'arn:aws:sts::111122223333:assumed-role/ci-deployer/session', '203.0.113.50'),
      ct('CreateUser', 'arn:aws:sts::111122223333:assumed-role/admin/bob'),
      ct('StopLogging', 'arn:aws:sts::111122223333:assumed-role/ci-deployer/session'),
    ];
    const { detections, suppressed } = await detectEvents(events, set, ctx, { suppressions: sup });
    expect(suppressed).toEqual({ 'ci-deployer': 1 });
    expect(detections.map((d) => [d.finding.rule.id, d.events[0].uid])).toEqual([
      ['iam-user-created', events[1].uid],
      ['iam-user-created', events[2].uid],
      ['trail-stopped', events[3].uid],
    ]);
  });

  it('select rules by tag (case-insensitive), or every rule when naming none', async () => {
    const ev = [ct('CreateUser', 'arn:aws:sts::1:assumed-role/x/y', '10.9.9.9'), ct('StopLogging', 'arn:aws:sts::1:assumed-role/x/y', '10.9.9.9')];
    const byTag = SuppressionSet.compile([{ id: 'scanner', reason: 'internal scanner', tags: ['ATTACK.Persistence'], match: { 'sourceIPAddress|cidr': '10.0.0.0/8' } }]);
    expect((await detectEvents(ev, set, ctx, { suppressions: byTag })).detections.map((d) => d.finding.rule.id)).toEqual(['trail-stopped']);
    const all = SuppressionSet.compile([{ id: 'lab', reason: 'lab account', match: { 'sourceIPAddress|startswith': '10.' } }]);
    const out = await detectEvents(ev, set, ctx, { suppressions: all });
    expect(out.detections).toEqual([]);
    expect(out.suppressed).toEqual({ lab: 2 });
  });

  it('stop applying at their expiry', async () => {
    const sup = SuppressionSet.compile([{ ...ciDeployer, expires: '2026-11-20T10:00:00Z' }]);
    const ev = [ct('CreateUser', 'arn:aws:sts::111122223333:assumed-role/ci-deployer/session')];
    expect((await detectEvents(ev, set, { ...ctx, now: new Date('2026-11-20T09:59:59Z') }, { suppressions: sup })).detections).toHaveLength(0);
    expect((await detectEvents(ev, set, { ...ctx, now: new Date('2026-11-20T10:00:00Z') }, { suppressions: sup })).detections).toHaveLength(1);
  });

  it.each([
    [{}, 'suppressions[0].id', /must be a name/],
    [{ id: 'x', match: { a: 1 } }, 'suppressions[0] (x).reason', /why/],
    [{ id: 'x', reason: 'r', match: {} }, 'suppressions[0] (x).match', /non-empty map/],
    [{ id: 'x', reason: 'r', match: { 'a|contians': 'b' } }, 'suppressions[0] (x).match', /contians/],
    [{ id: 'x', reason: 'r', match: { a: { b: 1 } } }, 'suppressions[0] (x).match.a', /value or a non-empty list/],
    [{ id: 'x', reason: 'r', match: { a: 1 }, expires: 'next week' }, 'suppressions[0] (x).expires', /ISO 8601/],
    [{ id: 'x', reason: 'r', match: { a: 1 }, ruleIds: [] }, 'suppressions[0] (x).ruleIds', /non-empty list/],
    [{ id: 'x', reason: 'r', match: { a: 1 }, rule: 'y' }, 'suppressions[0].rule', /unknown key/],
  ])('reject bad entries, naming them: %j', (entry, field, reason) => {
    const e = configError(() => parseSuppressions([entry]));
    expect(e.field).toBe(field);
    expect(e.reason).toMatch(reason);
  });

  it('reject duplicate ids and a list that is not one', () => {
    expect(configError(() => parseSuppressions([ciDeployer, ciDeployer])).field).toBe('suppressions[1] (ci-deployer).id');
    expect(configError(() => parseSuppressions({ id: 'x' })).field).toBe('suppressions');
    expect(parseSuppressions(undefined)).toEqual([]);
  });

  it('are compiled into the rules artifact at build time; a bad one fails the build naming it', () => {
    const artifact = buildRulesArtifact(RULES, { suppressions: [ciDeployer] });
    expect(artifact.suppressions).toEqual([ciDeployer]);
    expect(artifact.digest).not.toBe(buildRulesArtifact(RULES).digest);
    const loaded = loadArtifact(parseRulesArtifact(JSON.stringify(artifact)));
    expect(loaded.suppressions.specs).toEqual([ciDeployer]);
    expect(loaded.digest).toBe(artifact.digest);

    const e = configError(() => buildRulesArtifact(RULES, { suppressions: [{ ...ciDeployer, ruleIds: ['iam-user-creatd'] }] }));
    expect(e.message).toBe(`config suppressions[0] (ci-deployer).ruleIds: rule 'iam-user-creatd' is not loaded`);
  });
});
