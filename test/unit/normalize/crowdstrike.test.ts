import { unwrapText } from '../../../shared/normalize/envelopes';
import { normalizeBatch, normalizeRecord, recognize } from '../../../shared/normalize/registry';
import { expectValid, fixtureText } from './helpers';

describe('crowdstrike falcon', () => {
  const { records } = unwrapText(fixtureText('crowdstrike', 'stream-detections.ndjson'));
  const { events, failures } = normalizeBatch(records);

  test('DetectionSummaryEvent → Detection Finding', () => {
    expect(failures).toEqual([]);
    expectValid(events);
    expect(recognize(records[0])?.id).toBe('crowdstrike.falcon');
    const [e, crit] = events;
    expect(e.raw).toBe(records[0]);
    expect(e.uid).toBe('ldt:4f1c2a3bb7e365e3:38654705664');
    expect(e.time).toBe(1772467200123);
    expect(e.logsource).toEqual({ product: 'crowdstrike', service: 'falcon' });
    expect(e.ocsf).toMatchObject({
      class_uid: 2004,
      activity_id: 1,
      severity_id: 4,
      finding_info: {
        uid: 'ldt:4f1c2a3bb7e365e3:38654705664',
        title: 'Suspicious Activity',
        src_url: expect.stringContaining('falcon.crowdstrike.com'),
        attacks: [{ tactic: { name: 'Execution', uid: 'TA0002' }, technique: { name: 'PowerShell', uid: 'T1059.001' } }],
        types: ['Follow Through'],
      },
      device: { hostname: 'WS-042', uid: '4f1c2a3bb7e365e3a1b2c3d4e5f60718', ip: '10.1.2.42', domain: 'CORP' },
      actor: {
        process: {
          name: 'powershell.exe',
          file: { path: '\\Device\\HarddiskVolume3\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', hashes: [{ algorithm_id: 1 }, { algorithm_id: 3 }] },
          parent_process: { file: { name: 'WINWORD.EXE' } },
          created_time: 1772467195000,
        },
        user: { name: 'alice' },
      },
      unmapped: { PatternDispositionValue: 0, offset: 1048576 },
    });
    expect(crit.ocsf).toMatchObject({ severity_id: 5, finding_info: { attacks: [{ technique: { uid: 'T1003' } }] } });
  });

  test('other stream event types are not claimed; bad fields are rejected', () => {
    expect(recognize({ metadata: { eventType: 'AuthActivityAuditEvent' }, event: {} })).toBeUndefined();
    expect(normalizeRecord({ ...records[0], event: 'x' })).toEqual({ ok: false, reason: 'no recognizable source' });
    const ev = records[0].event as Record<string, unknown>;
    expect(normalizeRecord({ ...records[0], event: { ...ev, Severity: 'high' } })).toMatchObject({ ok: false, source: 'crowdstrike.falcon', reason: 'event.Severity: expected an integer, got string' });
    expect(normalizeRecord({ ...records[0], event: { ...ev, Severity: 2.5 } })).toMatchObject({ ok: false, reason: 'event.Severity: expected an integer, got 2.5' });
    expect(normalizeRecord({ metadata: { eventType: 'DetectionSummaryEvent' }, event: { DetectId: 'x' } })).toMatchObject({ ok: false, reason: 'metadata.eventCreationTime: missing required field' });
  });
});
