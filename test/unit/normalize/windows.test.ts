import { windows, flattenWindowsEvent, channelService } from '../../../shared/normalize/sources/windows';
import { unwrapText } from '../../../shared/normalize/envelopes';
import { normalizeBatch, normalizeRecord, recognize } from '../../../shared/normalize/registry';
import type { TelemetryEvent } from '../../../shared/telemetry';
import { expectValid, fixtureText } from './helpers';

describe('windows', () => {
  const { records } = unwrapText(fixtureText('windows', 'evtx-dump.ndjson'));
  const { events, failures } = normalizeBatch(records);
  const byEid = (id: number): TelemetryEvent => events.find((e) => e.raw.EventID === id)!;

  test('all fixture events map and validate', () => {
    expect(records).toHaveLength(12);
    expect(failures).toEqual([]);
    expectValid(events);
    expect(recognize(records[0])?.id).toBe('windows');
  });

  test('raw is the flat map Sigma rules expect', () => {
    const e = byEid(1);
    expect(e.raw).toMatchObject({
      EventID: 1,
      Channel: 'Microsoft-Windows-Sysmon/Operational',
      Computer: 'WS-042.corp.example.com',
      Provider_Name: 'Microsoft-Windows-Sysmon',
      EventRecordID: 184201,
      TimeCreated: '2026-03-02T16:10:11.123456Z',
      Image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
      CommandLine: expect.stringContaining('-EncodedCommand'),
      ParentImage: expect.stringContaining('WINWORD.EXE'),
      Security_UserID: 'S-1-5-18',
    });
    expect(e.raw.Event).toBeUndefined();
    expect(e.uid).toBe('WS-042.corp.example.com:Microsoft-Windows-Sysmon/Operational:184201');
    expect(e.time).toBe(Date.parse('2026-03-02T16:10:11.123Z'));
  });

  test('Sigma logsource per Sysmon EventID and Security 4688', () => {
    const cats = events.map((e) => [e.raw.EventID, e.logsource]);
    const sysmon = (category: string) => ({ product: 'windows', service: 'sysmon', category });
    expect(cats).toEqual([
      [1, sysmon('process_creation')],
      [3, sysmon('network_connection')],
      [7, sysmon('image_load')],
      [11, sysmon('file_event')],
      [12, sysmon('registry_add')],
      [13, sysmon('registry_set')],
      [22, sysmon('dns_query')],
      [4688, { product: 'windows', service: 'security', category: 'process_creation' }],
      [4624, { product: 'windows', service: 'security' }],
      [4625, { product: 'windows', service: 'security' }],
      [4720, { product: 'windows', service: 'security' }],
      [4732, { product: 'windows', service: 'security' }],
    ]);
  });

  test('Sysmon process creation → Process Activity Launch with parent as actor', () => {
    expect(byEid(1).ocsf).toMatchObject({
      class_uid: 1007,
      activity_id: 1,
      type_uid: 100701,
      process: {
        pid: 7344,
        uid: '{4f1c2a3b-b7e3-65e3-2a04-000000001a00}',
        name: 'powershell.exe',
        cmd_line: expect.stringContaining('-NoProfile'),
        file: { path: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', hashes: expect.arrayContaining([{ algorithm_id: 3, algorithm: 'SHA-256', value: expect.stringMatching(/^DE96/) }]) },
        user: { name: 'alice', domain: 'CORP' },
        parent_process: { pid: 5120, name: 'WINWORD.EXE' },
      },
      actor: { process: { pid: 5120 }, user: { name: 'alice' } },
      device: { hostname: 'WS-042.corp.example.com' },
      metadata: { product: { name: 'Sysmon', vendor_name: 'Microsoft' }, log_name: 'Microsoft-Windows-Sysmon/Operational', uid: '184201' },
    });
  });

  test('Sysmon network, image load, file, registry, DNS', () => {
    expect(byEid(3).ocsf).toMatchObject({ class_uid: 4001, activity_id: 1, src_endpoint: { ip: '10.1.2.42', port: 50122 }, dst_endpoint: { ip: '198.51.100.80', port: 443 }, connection_info: { direction_id: 2, protocol_name: 'tcp' } });
    expect(byEid(7).ocsf).toMatchObject({ class_uid: 1005, activity_id: 1, module: { file: { name: 'amsi.dll' } } });
    expect(byEid(11).ocsf).toMatchObject({ class_uid: 1001, activity_id: 1, file: { name: 'updater.lnk', parent_folder: expect.stringContaining('Startup') } });
    expect(byEid(12).ocsf).toMatchObject({ class_uid: 201001, category_uid: 1, activity_id: 1, type_uid: 20100101, reg_key: { path: expect.stringContaining('ms-settings') } });
    expect(byEid(13).ocsf).toMatchObject({ class_uid: 201002, activity_id: 2, reg_value: { name: 'Updater', data: expect.stringContaining('upd.exe') } });
    expect(byEid(22).ocsf).toMatchObject({ class_uid: 4003, activity_id: 1, query: { hostname: 'cdn.badexample.net' }, answers: [{ rdata: 'edge.badexample.net' }, { rdata: '198.51.100.80' }], rcode_id: 0 });
  });

  test('Security 4688, logons, account and group changes', () => {
    expect(byEid(4688).ocsf).toMatchObject({
      class_uid: 1007,
      process: { pid: 0x1cb0, name: 'cmd.exe', cmd_line: 'cmd.exe /c whoami /all', parent_process: { pid: 0x1ca0, name: 'powershell.exe' } },
      actor: { user: { name: 'alice', domain: 'CORP', uid: 'S-1-5-21-1111111111-2222222222-3333333333-1104' } },
    });
    expect(byEid(4624).ocsf).toMatchObject({
      class_uid: 3002,
      activity_id: 1,
      status_id: 1,
      user: { name: 'Administrator', domain: 'CORP' },
      logon_type_id: 10,
      logon_type: 'Remote Interactive',
      is_remote: true,
      src_endpoint: { ip: '203.0.113.5', port: 51234, hostname: 'DC-01' },
      dst_endpoint: { hostname: 'DC-01.corp.example.com' },
      session: { uid: '0x8dcdc2' },
    });
    expect(byEid(4625).ocsf).toMatchObject({ status_id: 2, severity_id: 3, auth_protocol_id: 1, user: { name: 'admin' }, status_detail: '0xc000006d 0xc0000064 %%2313' });
    expect(byEid(4720).ocsf).toMatchObject({ class_uid: 3001, activity_id: 1, user: { name: 'svc-backup2', uid: 'S-1-5-21-1111111111-2222222222-3333333333-1201' }, actor: { user: { name: 'Administrator' } } });
    expect(byEid(4732).ocsf).toMatchObject({ class_uid: 3006, activity_id: 3, group: { name: 'Administrators', uid: 'S-1-5-32-544' }, user: { uid: 'S-1-5-21-1111111111-2222222222-3333333333-1201' } });
  });

  test('xml2json shape (@attributes, Data arrays, EventID with qualifiers) and other channels', () => {
    const { records: xr } = unwrapText(fixtureText('windows', 'xml2json.ndjson'));
    const { events: xe, failures: xf } = normalizeBatch(xr);
    expect(xf).toEqual([]);
    expectValid(xe);
    const [ps, svc] = xe;
    expect(ps.raw).toMatchObject({ EventID: 4104, ScriptBlockText: expect.stringContaining('DownloadString'), Path: null, Provider_Name: 'Microsoft-Windows-PowerShell', Execution_ProcessID: '7344' });
    expect(ps.logsource).toEqual({ product: 'windows', service: 'powershell', category: 'ps_script' });
    expect(svc.raw).toMatchObject({ EventID: 7045, ServiceName: 'PSEXESVC', ImagePath: '%SystemRoot%\\PSEXESVC.exe', Channel: 'System' });
    expect(svc.logsource).toEqual({ product: 'windows', service: 'system' });
    expect(svc.ocsf).toMatchObject({ class_uid: 0, type_uid: 99, metadata: { product: { feature: { name: 'Service Control Manager' } } } });
  });

  test('flat records (forwarder style) are accepted as-is', () => {
    const flat = { EventID: 4104, Channel: 'Microsoft-Windows-PowerShell/Operational', Computer: 'WS-1', TimeCreated: '2026-03-02T16:10:11Z', ScriptBlockText: 'Get-Process' };
    const [e] = windows.normalize(flat);
    expectValid([e]);
    expect(e.raw).toBe(flat);
    expect(e.uid).toMatch(/^[0-9a-f]{64}$/);
  });

  test('channel → Sigma service', () => {
    expect(channelService('Microsoft-Windows-Windows Defender/Operational')).toBe('windefend');
    expect(channelService('Windows PowerShell')).toBe('powershell-classic');
    expect(channelService('Microsoft-Windows-Foo Bar/Operational')).toBe('foo-bar');
  });

  test('bad input', () => {
    const base = records[0] as { Event: { System: Record<string, unknown>; EventData: unknown } };
    const withSystem = (sys: Record<string, unknown>) => ({ Event: { ...base.Event, System: { ...base.Event.System, ...sys } } });
    expect(normalizeRecord(withSystem({ EventID: 'abc' }))).toMatchObject({ ok: false, source: 'windows', reason: 'EventID: expected an integer, got "abc"' });
    expect(normalizeRecord(withSystem({ TimeCreated: { '#attributes': { SystemTime: 'never' } } }))).toMatchObject({ ok: false, reason: 'TimeCreated: not a timestamp: "never"' });
    expect(normalizeRecord(withSystem({ Channel: 5 }))).toMatchObject({ ok: false, reason: 'Channel: expected a string' });
    expect(normalizeRecord({ Event: { ...base.Event, EventData: 'x' } })).toMatchObject({ ok: false, reason: 'Event.EventData: expected an object' });
    expect(() => flattenWindowsEvent({ Event: { System: 1 } })).toThrow('Event.System: expected an object');
  });

  describe('flat records made by shape', () => {
    /** Members in order, undefined ones included: what JSON.stringify and a Sigma rule can tell apart. */
    const members = (o: Record<string, unknown>) => Object.keys(o).map((k) => [k, o[k] === undefined ? '(undefined)' : o[k]]);
    /** An empty UserData sends the event down the general path and adds nothing: the reference the shapes are held to. */
    const general = (r: { Event: Record<string, unknown> }) => flattenWindowsEvent({ Event: { ...r.Event, UserData: {} } });
    const parsed = (text: string) => JSON.parse(text) as { Event: Record<string, unknown> };
    const sys = '"System":{"Provider":{"#attributes":{"Name":"P","Guid":"G"}},"EventID":1,"Channel":"C","Computer":"H","EventRecordID":7,"TimeCreated":{"#attributes":{"SystemTime":"2026-03-02T09:00:00Z"}}';

    test.each([
      ['every fixture record', ''],
      ['System members repeated in the event data keep the event data position and take the System value', `{"Event":{${sys},"Level":4},"EventData":{"Image":"a","Channel":"x","Level":"y","Opcode":"z"}}}`],
      ['optional System members absent, null or objects without text', `{"Event":{${sys},"Level":null,"Task":{},"Version":0},"EventData":{"Image":"a"}}}`],
      ['event data members with odd names', `{"Event":{${sys}},"EventData":{"a\\"b":1,"new\\nline":2,"\u2028":3,"toString":4,"constructor":5}}}`],
      ['an empty event data', `{"Event":{${sys}},"EventData":{}}}`],
      ['a __proto__ member', `{"Event":{${sys}},"EventData":{"__proto__":{"x":1},"Image":"a"}}}`],
      ['array-index members', `{"Event":{${sys}},"EventData":{"Image":"a","12":"b","3":"c"}}}`],
      ['XML attribute members', `{"Event":{${sys}},"EventData":{"@Name":"n","#attributes":{},"Image":"a"}}}`],
    ])('%s: the same members, in the same order, as the general path', (_, text) => {
      const inputs = text === '' ? records.map((r) => JSON.stringify(r)) : [text];
      for (const t of inputs) {
        // Twice: the first record of a shape makes its constructor, the second uses it.
        for (let i = 0; i < 2; i++) expect(members(flattenWindowsEvent(parsed(t)))).toEqual(members(general(parsed(t))));
      }
    });

    test('a second record of a shape gets its own values', () => {
      const a = flattenWindowsEvent(parsed(`{"Event":{${sys}},"EventData":{"Image":"a","User":"u"}}}`));
      const b = flattenWindowsEvent(parsed(`{"Event":{${sys}},"EventData":{"Image":"b","User":"v"}}}`));
      expect(members(a)).toEqual(members(general(parsed(`{"Event":{${sys}},"EventData":{"Image":"a","User":"u"}}}`))));
      expect(Object.keys(a)).toEqual(Object.keys(b));
      expect(b.Image).toBe('b');
    });

    test('a record right after another with fewer, more or other event data members gets its own members', () => {
      const texts = [
        `{"Event":{${sys}},"EventData":{"Image":"a","User":"u"}}}`,
        `{"Event":{${sys}},"EventData":{"Image":"a"}}}`,
        `{"Event":{${sys}},"EventData":{"Image":"a","User":"u","Extra":"e"}}}`,
        `{"Event":{${sys}},"EventData":{"User":"u","Image":"a"}}}`,
        `{"Event":{${sys},"Level":4},"EventData":{"User":"u","Image":"a"}}}`,
        `{"Event":{${sys}},"EventData":{"Image":"a","User":"u"}}}`,
      ];
      for (const t of texts) expect(members(flattenWindowsEvent(parsed(t)))).toEqual(members(general(parsed(t))));
    });
  });
});
