import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Observable } from '../../../shared/contracts/investigation';
import { MAX_OBSERVABLES, MAX_PER_TYPE, mergeObservables, observablesOf } from '../../../shared/investigation/observables';
import { unwrapText } from '../../../shared/normalize/envelopes';
import { normalizeRecord } from '../../../shared/normalize/registry';
import type { TelemetryEvent } from '../../../shared/telemetry';

const SOURCES = join(__dirname, '..', '..', 'fixtures', 'sources');

function normalize(record: unknown): TelemetryEvent[] {
  const r = normalizeRecord(record);
  if (!r.ok) throw new Error(r.reason);
  return r.events;
}
const json = (source: string, name: string) => JSON.parse(readFileSync(join(SOURCES, source, name), 'utf8')) as Record<string, unknown>;
const ndjson = (source: string, name: string) =>
  readFileSync(join(SOURCES, source, name), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as unknown);
const pick = (obs: Observable[], type: Observable['type']) => obs.filter((o) => o.type === type).map((o) => o.value);

/** A CloudTrail record with the fields a test cares about. */
function trail(fields: Record<string, unknown>): TelemetryEvent {
  return normalize({
    eventVersion: '1.09',
    eventTime: '2026-11-20T09:13:41Z',
    eventSource: 'iam.amazonaws.com',
    eventName: 'CreateAccessKey',
    awsRegion: 'us-east-1',
    eventID: 'evt-1',
    recipientAccountId: '111122223333',
    ...fields,
  })[0];
}

describe('observablesOf: CloudTrail', () => {
  test('IAM user: name with ARN, access key, account, source address', () => {
    const [ev] = normalize(json('cloudtrail', 'eventbridge-create-user.json'));
    const obs = observablesOf(ev);
    expect(obs.find((o) => o.type === 'user' && o.value === 'ops-admin')).toEqual({ type: 'user', value: 'ops-admin', arn: 'arn:aws:iam::111122223333:user/ops-admin' });
    // The user created is a target too: requestParameters.userName.
    expect(pick(obs, 'user')).toEqual(['ops-admin', 'backup-svc']);
    expect(pick(obs, 'access_key')).toEqual(['ASIAEXAMPLEKEY00001']);
    expect(pick(obs, 'account')).toEqual(['111122223333']);
    expect(pick(obs, 'ip')).toEqual(['198.51.100.23']);
  });

  test('assumed role: the role from the session issuer, the session name as the user', () => {
    const file = json('cloudtrail', 'logfile.json') as { Records: unknown[] };
    const events = normalize(file.Records[2]);
    const obs = observablesOf(events[0]);
    expect(obs.filter((o) => o.type === 'role')).toEqual([{ type: 'role', value: 'DeployRole', arn: expect.stringMatching(/:role\/DeployRole$/) }]);
    expect(obs.find((o) => o.type === 'user')).toEqual({ type: 'user', value: 'deploy-session', arn: 'arn:aws:sts::111122223333:assumed-role/DeployRole/deploy-session' });
    expect(pick(obs, 'access_key')).toEqual(['ASIAEXAMPLEKEY00002']);
  });

  test('assumed role without session context: role name read from the assumed-role ARN; bucket from the request', () => {
    const file = json('cloudtrail', 'logfile.json') as { Records: unknown[] };
    const obs = observablesOf(normalize(file.Records[3])[0]);
    expect(pick(obs, 'role')).toEqual(['ReaderRole']);
    expect(pick(obs, 'bucket')).toEqual(['customer-exports']);
    expect(pick(obs, 'ip')).toEqual(['10.20.30.41']);
  });

  test('AWS service callers and withheld names are not observables', () => {
    const file = json('cloudtrail', 'logfile.json') as { Records: unknown[] };
    const svc = observablesOf(normalize(file.Records[5])[0]);
    expect(pick(svc, 'ip')).toEqual([]);
    expect(pick(svc, 'user')).toEqual([]);
    expect(pick(svc, 'account')).toEqual(['111122223333']);
    const hidden = observablesOf(normalize(file.Records[1])[0]);
    expect(pick(hidden, 'user')).toEqual([]);
    expect(pick(hidden, 'access_key')).toEqual([]);
  });

  test('root sign-in is user root', () => {
    const obs = observablesOf(normalize(json('cloudtrail', 'eventbridge-console-signin.json'))[0]);
    expect(obs.find((o) => o.type === 'user')).toEqual({ type: 'user', value: 'root', arn: 'arn:aws:iam::111122223333:root' });
    expect(pick(obs, 'ip')).toEqual(['203.0.113.9']);
  });

  test('targets from the request and the response: user, new key, instances, roles', () => {
    const ev = trail({
      userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/mallory', accountId: '111122223333', userName: 'mallory', accessKeyId: 'AKIAEXAMPLEMALLORY01' },
      sourceIPAddress: '2001:db8::7',
      requestParameters: { userName: 'victim', instancesSet: { items: [{ instanceId: 'i-0aaa' }, { instanceId: 'i-0bbb' }] }, roleArn: 'arn:aws:iam::111122223333:role/Admin' },
      responseElements: { accessKey: { accessKeyId: 'AKIAEXAMPLENEWKEY001', userName: 'victim' } },
    });
    const obs = observablesOf(ev);
    expect(pick(obs, 'user')).toEqual(['mallory', 'victim']);
    expect(pick(obs, 'access_key')).toEqual(['AKIAEXAMPLEMALLORY01', 'AKIAEXAMPLENEWKEY001']);
    expect(pick(obs, 'instance')).toEqual(['i-0aaa', 'i-0bbb']);
    expect(obs.find((o) => o.type === 'role')).toEqual({ type: 'role', value: 'Admin', arn: 'arn:aws:iam::111122223333:role/Admin' });
    expect(pick(obs, 'ip')).toEqual(['2001:db8::7']);
  });

  test('order is by type, then as found; no duplicates', () => {
    const ev = trail({
      userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/mallory', accountId: '111122223333', userName: 'mallory' },
      sourceIPAddress: '203.0.113.5',
      requestParameters: { userName: 'mallory', bucketName: 'b1', instanceId: 'i-1' },
    });
    const obs = observablesOf(ev);
    expect(obs.map((o) => `${o.type}:${o.value}`)).toEqual(['user:mallory', 'account:111122223333', 'ip:203.0.113.5', 'instance:i-1', 'bucket:b1']);
  });

  test('bounded: per type and in total', () => {
    const items = Array.from({ length: 200 }, (_, i) => ({ instanceId: `i-${i}` }));
    const obs = observablesOf(trail({ userIdentity: { type: 'IAMUser', userName: 'u', accountId: '111122223333' }, requestParameters: { instancesSet: { items } } }));
    expect(pick(obs, 'instance')).toHaveLength(MAX_PER_TYPE);
    expect(obs.length).toBeLessThanOrEqual(MAX_OBSERVABLES);
    expect(pick(obs, 'user')).toEqual(['u']);
  });
});

describe('observablesOf: other sources', () => {
  test('GuardDuty: access key and its user, remote address, account', () => {
    const obs = observablesOf(normalize(json('guardduty', 'finding-malicious-ip-caller.json'))[0]);
    expect(pick(obs, 'access_key')).toEqual(['ASIAEXAMPLEKEY00009']);
    expect(pick(obs, 'user')).toEqual(['ci-runner']);
    expect(pick(obs, 'ip')).toEqual(['203.0.113.250']);
    expect(pick(obs, 'account')).toEqual(['111122223333']);
  });

  test('GuardDuty: instance of an instance finding', () => {
    const obs = observablesOf(normalize(json('guardduty', 'eventbridge-ssh-bruteforce.json'))[0]);
    expect(pick(obs, 'instance')).toHaveLength(1);
    expect(pick(obs, 'instance')[0]).toMatch(/^i-/);
    expect(pick(obs, 'ip').length).toBeGreaterThan(0);
  });

  test('GuardDuty S3 finding: buckets with ARN', () => {
    const ev = normalize({
      schemaVersion: '2.0',
      accountId: '111122223333',
      region: 'us-east-1',
      id: 'gd-s3',
      type: 'Exfiltration:S3/AnomalousBehavior',
      severity: 5,
      createdAt: '2026-03-01T00:00:00Z',
      updatedAt: '2026-03-01T00:00:00Z',
      resource: { resourceType: 'S3Bucket', s3BucketDetails: [{ name: 'payroll', arn: 'arn:aws:s3:::payroll' }] },
      service: { serviceName: 'guardduty' },
    })[0];
    expect(observablesOf(ev).filter((o) => o.type === 'bucket')).toEqual([{ type: 'bucket', value: 'payroll', arn: 'arn:aws:s3:::payroll' }]);
  });

  test('Sysmon process creation: host, user with domain, process and parent', () => {
    const events = ndjson('windows', 'evtx-dump.ndjson').flatMap((r) => normalize(r));
    const proc = events.find((e) => e.ocsf.class_uid === 1007)!;
    const obs = observablesOf(proc);
    expect(pick(obs, 'host')).toEqual(['WS-042.corp.example.com']);
    expect(pick(obs, 'user')).toContain('CORP\\alice');
    expect(pick(obs, 'process')).toContain('powershell.exe -NoProfile -EncodedCommand SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAKQA=');
  });

  test('CrowdStrike detection: host, user, process command line', () => {
    const ev = normalize(ndjson('crowdstrike', 'stream-detections.ndjson')[0])[0];
    const obs = observablesOf(ev);
    expect(pick(obs, 'host')).toEqual(['WS-042']);
    expect(pick(obs, 'user')).toEqual(['alice']);
    expect(pick(obs, 'process')[0]).toMatch(/^powershell\.exe -NoProfile -EncodedCommand/);
  });

  test('Linux, Okta and Defender fixtures: every event yields bounded observables, most of them some', () => {
    const { records } = unwrapText(readFileSync(join(SOURCES, 'linux', 'audit.log'), 'utf8'));
    const all: unknown[] = [
      ...records,
      ...ndjson('linux', 'journal.ndjson'),
      ...(json('okta', 'logs-api-page.json') as unknown as unknown[]),
      ...((json('defender', 'alerts-v2-page.json') as { value: unknown[] }).value ?? []),
    ];
    let events = 0;
    let withObservables = 0;
    for (const r of all) {
      const res = normalizeRecord(r);
      if (!res.ok) continue;
      for (const e of res.events) {
        const obs = observablesOf(e);
        expect(obs.length).toBeLessThanOrEqual(MAX_OBSERVABLES);
        // Base events (class 0) are the records no class fits; they may name nobody.
        if (e.ocsf.class_uid === 0) continue;
        events++;
        if (obs.length) withObservables++;
      }
    }
    expect(events).toBeGreaterThan(10);
    expect(withObservables / events).toBeGreaterThan(0.8);
  });

  test('Okta sign-in: the user by login rather than display name, and the client address', () => {
    const [rec] = json('okta', 'logs-api-page.json') as unknown as Record<string, unknown>[];
    const obs = observablesOf(normalize(rec)[0]);
    expect(pick(obs, 'user')).toEqual([(rec.actor as { alternateId: string }).alternateId]);
    expect(pick(obs, 'ip')).toEqual(['203.0.113.77']);
  });

  test('a long command line is cut', () => {
    const ev = normalize(ndjson('crowdstrike', 'stream-detections.ndjson')[0])[0];
    (ev.ocsf.actor!.process as { cmd_line?: string }).cmd_line = `powershell -enc ${'A'.repeat(5000)}`;
    const p = pick(observablesOf(ev), 'process')[0];
    expect(p.length).toBe(512);
    expect(p.endsWith('…')).toBe(true);
  });
});

describe('mergeObservables', () => {
  test('union in type order, first occurrence kept, ARN filled in from the second', () => {
    const a: Observable[] = [
      { type: 'ip', value: '203.0.113.1' },
      { type: 'user', value: 'alice' },
    ];
    const b: Observable[] = [
      { type: 'user', value: 'alice', arn: 'arn:aws:iam::111122223333:user/alice' },
      { type: 'access_key', value: 'AKIAEXAMPLE000000001' },
      { type: 'ip', value: '203.0.113.1' },
    ];
    expect(mergeObservables(a, b)).toEqual([
      { type: 'user', value: 'alice', arn: 'arn:aws:iam::111122223333:user/alice' },
      { type: 'access_key', value: 'AKIAEXAMPLE000000001' },
      { type: 'ip', value: '203.0.113.1' },
    ]);
    expect(a[1]).toEqual({ type: 'user', value: 'alice' });
  });

  test('bounded', () => {
    const many = (p: string): Observable[] => Array.from({ length: 30 }, (_, i) => ({ type: 'host', value: `${p}${i}` }));
    const merged = mergeObservables(many('a'), many('b'));
    expect(merged).toHaveLength(MAX_PER_TYPE);
    expect(merged[0].value).toBe('a0');
  });
});
