import { unwrapText } from '../../../shared/normalize/envelopes';
import { normalizeBatch, normalizeRecord, recognize } from '../../../shared/normalize/registry';
import { expectValid, fixtureText } from './helpers';

describe('microsoft defender (Graph alerts_v2)', () => {
  const { records } = unwrapText(fixtureText('defender', 'alerts-v2-page.json'));
  const { events, failures } = normalizeBatch(records);

  test('a Graph page is split into alerts → Detection Findings', () => {
    expect(records).toHaveLength(2);
    expect(failures).toEqual([]);
    expectValid(events);
    expect(recognize(records[0])?.id).toBe('microsoft.defender');
    const [a, resolved] = events;
    expect(a.raw).toBe(records[0]);
    expect(a.uid).toBe('da638456789012345678_-1234567890');
    expect(a.time).toBe(Date.parse('2026-03-02T16:12:01.500Z'));
    expect(a.ocsf).toMatchObject({
      class_uid: 2004,
      activity_id: 2,
      severity_id: 4,
      status_id: 1,
      is_alert: true,
      finding_info: {
        title: 'Suspicious PowerShell command line',
        attacks: [
          { technique: { uid: 'T1059' }, sub_technique: { uid: 'T1059.001' }, tactic: { name: 'Execution' } },
          { technique: { uid: 'T1027' }, tactic: { name: 'Execution' } },
        ],
        src_url: expect.stringContaining('security.microsoft.com'),
        first_seen_time: Date.parse('2026-03-02T16:10:11.120Z'),
      },
      device: { hostname: 'ws-042.corp.example.com', uid: '73e7e2de709dff64ef64b1d0c30e67fab63279db' },
      resources: [{ type: 'Device', name: 'ws-042.corp.example.com' }],
      metadata: { product: { name: 'Microsoft Defender', vendor_name: 'Microsoft', feature: { name: 'microsoftDefenderForEndpoint' } } },
      unmapped: { incidentId: '2972395' },
    });
    expect(a.ocsf.evidences).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ process: expect.objectContaining({ pid: 7344, name: 'powershell.exe', file: expect.objectContaining({ path: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe' }) }) }),
        { dst_endpoint: { ip: '198.51.100.80' } },
      ]),
    );
    expect(resolved.ocsf).toMatchObject({ activity_id: 3, status_id: 4, is_alert: false, severity_id: 2, evidences: [{ url: { url_string: 'http://updates.example.org/check' } }], unmapped: { classification: 'falsePositive' } });
  });

  test('bad input', () => {
    expect(normalizeRecord({ ...records[0], title: null })).toMatchObject({ ok: false, source: 'microsoft.defender', reason: 'title: missing required field' });
    expect(normalizeRecord({ ...records[0], mitreTechniques: [1] })).toMatchObject({ ok: false, reason: 'mitreTechniques: expected strings' });
    expect(normalizeRecord({ ...records[0], evidence: [null] })).toMatchObject({ ok: false, reason: 'evidence[0]: expected an object' });
  });
});
