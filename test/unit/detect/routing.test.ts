import { FIELD_MAPPINGS, fieldMapFor, unresolvedFields } from '../../../shared/detect/field-mappings';
import { compileRules, eventCategories, lintRules, logsourceApplies, type RuleSet } from '../../../shared/detect/sigma';
import { normalizeRecord } from '../../../shared/normalize/registry';
import type { TelemetryEvent } from '../../../shared/telemetry';

function normalized(record: Record<string, unknown>): TelemetryEvent {
  const r = normalizeRecord(record);
  if (!r.ok) throw new Error(r.reason);
  return r.events[0];
}

const sysmon = (eid: number, fields: Record<string, unknown>) =>
  normalized({
    EventID: eid,
    Channel: 'Microsoft-Windows-Sysmon/Operational',
    Computer: 'WS-7.corp.example.com',
    UtcTime: '2026-11-20 10:00:00.000',
    Image: 'C:\\Windows\\regedit.exe',
    ...fields,
  });

function rule(id: string, logsource: string, detection: string): string {
  return `title: ${id}\nid: ${id}\nlogsource: ${logsource}\ndetection:\n${detection
    .trim()
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n')}\n`;
}

const fired = (set: RuleSet, e: TelemetryEvent) => set.evaluateEvent(e).map((r) => r.id);

describe('logsource routing: umbrella categories', () => {
  const runKey = 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\updater';
  const set = compileRules([
    { path: 'ev.yml', text: rule('reg-event', '{ product: windows, category: registry_event }', `sel: { TargetObject|contains: '\\CurrentVersion\\Run' }\ncondition: sel`) },
    { path: 'set.yml', text: rule('reg-set', '{ product: windows, category: registry_set }', `sel: { TargetObject|contains: '\\CurrentVersion\\Run' }\ncondition: sel`) },
    { path: 'add.yml', text: rule('reg-add', '{ product: windows, category: registry_add }', `sel: { TargetObject|contains: '\\CurrentVersion\\Run' }\ncondition: sel`) },
  ]);
  const created = sysmon(12, { EventType: 'CreateKey', TargetObject: runKey });
  const deleted = sysmon(12, { EventType: 'DeleteValue', TargetObject: runKey });
  const valueSet = sysmon(13, { EventType: 'SetValue', TargetObject: runKey, Details: 'C:\\Users\\Public\\u.exe' });
  const renamed = sysmon(14, { EventType: 'RenameKey', TargetObject: runKey, NewName: `${runKey}2` });

  it('Sysmon 12, 13 and 14 keep their specific category', () => {
    expect([created, deleted, valueSet, renamed].map((e) => e.logsource.category)).toEqual(['registry_add', 'registry_delete', 'registry_set', 'registry_rename']);
  });

  it('a registry_event rule sees every registry event; a specific rule only its own', () => {
    expect(fired(set, created)).toEqual(['reg-event', 'reg-add']);
    expect(fired(set, deleted)).toEqual(['reg-event']);
    expect(fired(set, valueSet)).toEqual(['reg-event', 'reg-set']);
    expect(fired(set, renamed)).toEqual(['reg-event']);
  });

  it('aliases are per product and do not run backwards', () => {
    expect(eventCategories({ product: 'windows', category: 'registry_set' })).toEqual(['registry_set', 'registry_event']);
    expect(eventCategories({ product: 'linux', category: 'registry_set' })).toEqual(['registry_set']);
    expect(logsourceApplies({ category: 'registry_set' }, { product: 'windows', category: 'registry_event' })).toBe(false);
    expect(logsourceApplies({ product: 'windows', category: 'registry_event' }, { product: 'windows', service: 'sysmon', category: 'registry_rename' })).toBe(true);
  });

  it('takes another alias table as data', () => {
    const table = [{ product: 'acme', category: 'proxy_block', satisfies: ['proxy'] }];
    expect(logsourceApplies({ product: 'acme', category: 'proxy' }, { product: 'acme', category: 'proxy_block' }, table)).toBe(true);
    expect(logsourceApplies({ product: 'acme', category: 'proxy' }, { product: 'acme', category: 'proxy_block' }, [])).toBe(false);
  });

  it('a meta-filter on registry_event applies to registry_set rules', () => {
    const withFilter = compileRules([
      { path: 'set.yml', text: rule('reg-set', '{ product: windows, category: registry_set }', `sel: { TargetObject|contains: '\\CurrentVersion\\Run' }\ncondition: sel`) },
      {
        path: 'f.yml',
        text: `title: installer\nid: f-1\nlogsource: { product: windows, category: registry_event }\nfilter:\n  rules: [reg-set]\n  sel: { Details|endswith: '\\u.exe' }\n  condition: sel\n`,
      },
    ]);
    expect(fired(withFilter, valueSet)).toEqual([]);
  });
});

describe('OCSF rules and field mappings', () => {
  const ct = normalized({
    eventVersion: '1.08',
    eventTime: '2026-11-20T10:00:00Z',
    eventSource: 'iam.amazonaws.com',
    eventName: 'CreateUser',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.9',
    userAgent: 'aws-cli/2',
    userIdentity: { type: 'IAMUser', userName: 'mallory', arn: 'arn:aws:iam::111122223333:user/mallory', accountId: '111122223333' },
    requestParameters: { userName: 'backdoor' },
    eventID: 'e-1',
    recipientAccountId: '111122223333',
  });
  const set = compileRules([
    { path: 'o.yml', text: rule('ocsf-ip', '{ product: ocsf }', `sel: { src_endpoint.ip|cidr: 203.0.113.0/24, class_uid: 6003 }\ncondition: sel`) },
    { path: 'o2.yml', text: rule('ocsf-okta-only', '{ product: ocsf, service: okta }', `sel: { src_endpoint.ip|cidr: 203.0.113.0/24 }\ncondition: sel`) },
    { path: 'v.yml', text: rule('vendor', '{ product: aws, service: cloudtrail }', `sel: { eventName: CreateUser }\ncondition: sel`) },
    // A vendor rule written with OCSF names: the raw record has no such field, it must not match.
    { path: 'mixed.yml', text: rule('vendor-ocsf-names', '{ product: aws, service: cloudtrail }', `sel: { src_endpoint.ip: 203.0.113.9 }\ncondition: sel`) },
  ]);

  it('runs OCSF rules on the normalized event and vendor rules on the raw record', () => {
    expect(ct.ocsf.class_uid).toBe(6003);
    expect(fired(set, ct)).toEqual(['ocsf-ip', 'vendor']);
    expect(set.rules.find((r) => r.id === 'ocsf-ip')?.target).toBe('ocsf');
    // evaluate() is the raw-record path only.
    expect(set.evaluate(ct.logsource, ct.raw).map((r) => r.id)).toEqual(['vendor']);
  });

  it('lint reports fields the logsource cannot carry, with a hint for OCSF names', () => {
    const results = lintRules([
      { path: 'mixed.yml', text: rule('vendor-ocsf-names', '{ product: aws, service: cloudtrail }', `sel: { src_endpoint.ip: 203.0.113.9 }\ncondition: sel`) },
      { path: 'typo.yml', text: rule('typo', '{ product: aws, service: cloudtrail }', `sel: { eventname: CreateUser, requestParameters.userName: x }\ncondition: sel`) },
      { path: 'good.yml', text: rule('good', '{ product: windows, category: process_creation }', `sel: { Image|endswith: '\\x.exe', ParentImage|endswith: '\\y.exe', NewProcessName|endswith: z }\ncondition: sel`) },
      { path: 'ocsf.yml', text: rule('ocsf-bad', '{ product: ocsf }', `sel: { actor.user.name: x, eventName: y }\ncondition: sel`) },
      { path: 'undeclared.yml', text: rule('undeclared', '{ product: gcp, service: gcp.audit }', `sel: { anything: x }\ncondition: sel`) },
    ]);
    const byId = Object.fromEntries(results.map((r) => [r.id, r]));
    expect(byId['vendor-ocsf-names']).toMatchObject({ status: 'ok', warnings: [expect.stringMatching(/field 'src_endpoint\.ip' .*product: ocsf/)] });
    expect(byId.typo.warnings).toEqual([expect.stringContaining(`field 'eventname' is not carried by events of logsource {product: aws, service: cloudtrail}`)]);
    expect(byId.good.warnings).toBeUndefined();
    expect(byId['ocsf-bad'].warnings).toEqual([expect.stringContaining(`field 'eventName'`)]);
    expect(byId.undeclared.warnings).toBeUndefined();
  });

  it('maps Sysmon process names onto Security 4688 fields, the event’s own names first', () => {
    const e4688 = normalized({
      EventID: 4688,
      Channel: 'Security',
      Computer: 'WS-7.corp.example.com',
      TimeCreated: '2026-11-20T10:00:00Z',
      NewProcessName: 'C:\\Windows\\System32\\vssadmin.exe',
      ParentProcessName: 'C:\\Windows\\System32\\cmd.exe',
      CommandLine: 'vssadmin delete shadows /all /quiet',
      ProcessId: '0x1a0',
      NewProcessId: '0x2b4',
    });
    expect(e4688.logsource).toEqual({ product: 'windows', service: 'security', category: 'process_creation' });
    const s = compileRules([
      { path: 'p.yml', text: rule('sysmon-names', '{ product: windows, category: process_creation }', `sel: { Image|endswith: '\\vssadmin.exe', ParentImage|endswith: '\\cmd.exe' }\ncondition: sel`) },
      { path: 'n.yml', text: rule('native', '{ product: windows, service: security }', `sel: { EventID: 4688, ProcessId: '0x1a0' }\ncondition: sel`) },
    ]);
    expect(fired(s, e4688)).toEqual(['sysmon-names', 'native']);
    expect(fieldMapFor({ product: 'windows', service: 'sysmon', category: 'process_creation' }).size).toBe(0);
    expect(fieldMapFor(e4688.logsource).get('Image')).toBe('NewProcessName');
  });

  it('reads the lower-case Okta names SigmaHQ rules use as the System Log fields they stand for', () => {
    const s = compileRules([
      { path: 'o.yml', text: rule('okta-lower', '{ product: okta, service: okta }', `sel: { eventtype: policy.lifecycle.delete, displaymessage: 'Delete policy' }\ncondition: sel`) },
      { path: 'c.yml', text: rule('okta-camel', '{ product: okta, service: okta }', `sel: { eventType: policy.lifecycle.delete }\ncondition: sel`) },
    ]);
    const okta = { product: 'okta', service: 'okta' };
    expect(s.evaluate(okta, { eventType: 'policy.lifecycle.delete', displayMessage: 'Delete policy' }).map((r) => r.id)).toEqual(['okta-lower', 'okta-camel']);
    expect(s.evaluate(okta, { eventType: 'policy.lifecycle.update', displayMessage: 'Delete policy' }).map((r) => r.id)).toEqual([]);
    expect(lintRules([{ path: 'o.yml', text: rule('okta-lower', '{ product: okta, service: okta }', `sel: { eventtype: x, legacyeventtype: y }\ncondition: sel`) }])[0].warnings).toBeUndefined();
  });

  it('reads the alternate id of an Okta actor under the names SigmaHQ rules give it (actor.alternateid, alternateId)', () => {
    // The shapes of SigmaHQ's password-in-alternate-id and session-impersonation rules, written here.
    const s = compileRules([
      {
        path: 'pw.yml',
        text: rule('pw-in-id', '{ product: okta, service: okta }', `selection: { legacyeventtype: core.user_auth.login_failed }\nfilter_main: { actor.alternateid|re: '^0oa.*|@' }\ncondition: selection and not filter_main`),
      },
      {
        path: 'imp.yml',
        text: rule('impersonation', '{ product: okta, service: okta }', `selection: { eventType: user.session.impersonation.grant }\nfilter: { alternateId|contains: system@okta.com }\ncondition: selection and not filter`),
      },
    ]);
    const okta = { product: 'okta', service: 'okta' };
    const failed = (alternateId: string) => ({ eventType: 'user.session.start', legacyEventType: 'core.user_auth.login_failed', actor: { type: 'User', alternateId } });
    const ids = (e: Record<string, unknown>) => s.evaluate(okta, e).map((r) => r.id);
    expect(ids(failed('alice@example.com'))).toEqual([]);
    expect(ids(failed('Winter2026!'))).toEqual(['pw-in-id']);
    const grant = (alternateId: string) => ({ eventType: 'user.session.impersonation.grant', actor: { alternateId }, target: [{ alternateId: 'system@okta.com' }] });
    expect(ids(grant('system@okta.com'))).toEqual([]);
    expect(ids(grant('mallory@example.com'))).toEqual(['impersonation']);
    expect(lintRules([{ path: 'i.yml', text: rule('i', '{ product: okta, service: okta }', `sel: { alternateId: x, actor.alternateid: y }\ncondition: sel`) }])[0].warnings).toBeUndefined();
  });

  it('knows the EventData names of Security events beyond 4688, so SigmaHQ logon rules lint clean', () => {
    const logon = rule(
      'rdp-logon',
      '{ product: windows, service: security }',
      `selection: { EventID: 4624, LogonType: 10, AuthenticationPackageName: Negotiate }\nfilter: { IpAddress|cidr: 10.0.0.0/8 }\ncondition: selection and not filter`,
    );
    expect(lintRules([{ path: 'l.yml', text: logon }])[0].warnings).toBeUndefined();
    expect(lintRules([{ path: 'x.yml', text: rule('typo', '{ product: windows, service: security }', `sel: { IpAdress: 1.2.3.4 }\ncondition: sel`) }])[0].warnings).toEqual([
      expect.stringContaining(`field 'IpAdress'`),
    ]);
    // The rule reads the event's own fields.
    const e4624 = normalized({
      EventID: 4624,
      Channel: 'Security',
      Computer: 'DC-1.corp.example.com',
      TimeCreated: '2026-11-20T10:00:00Z',
      TargetUserName: 'alice',
      LogonType: 10,
      AuthenticationPackageName: 'Negotiate',
      IpAddress: '203.0.113.9',
    });
    const s = compileRules([{ path: 'l.yml', text: logon }]);
    expect(fired(s, e4624)).toEqual(['rdp-logon']);
    expect(fired(s, normalized({ ...e4624.raw, IpAddress: '10.1.2.3' }))).toEqual([]);
  });

  it('every declared mapping target is a known field of its logsource', () => {
    for (const m of FIELD_MAPPINGS) {
      for (const path of Object.values(m.fields ?? {})) expect(m.known).toContain(path.split('.')[0]);
    }
    expect(unresolvedFields({ product: 'windows', category: 'registry_event' }, ['TargetObject', 'Details', 'Nope'], logsourceApplies)).toEqual([
      expect.stringContaining(`'Nope'`),
    ]);
  });
});
