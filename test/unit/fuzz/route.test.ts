/**
 * Fuzz: the route path (shared/normalize/source.ts, SourceMapper.route) that
 * `mdr detect` takes. For generated vendor records and the same records
 * mutated, routeRecord accepts exactly what normalizeRecord accepts, rejects
 * with the same reason, and gives the same events, their OCSF form (mapped
 * when first read) included. A route check that falls out of step with its
 * mapper fails here.
 *
 * CI size by default; MDR_FUZZ_RUNS=N for more, MDR_FUZZ_SEED=S to replay.
 */
import fc from 'fast-check';
import { normalizeRecord, routeRecord } from '../../../shared/normalize/registry';
import { applyEdit, arbEdit, caseCounter, generateRecord, runs, type RecordKind } from './support';

const counter = caseCounter();
afterAll(() => console.log(`fuzz route: ${counter.total()} cases tried (${counter.summary()})`));

type Kind = Extract<RecordKind, 'cloudtrail' | 'cloudtrail-envelope' | 'signin' | 'windows' | 'sysmon-process' | 'windows-flat' | 'okta'>;
const KINDS: Kind[] = ['cloudtrail', 'cloudtrail-envelope', 'signin', 'windows', 'sysmon-process', 'windows-flat', 'okta'];

/** Fields the mappers check, by name (random paths seldom reach the nested ones). */
const CHECKED: Record<Kind, string[][]> = {
  cloudtrail: [['eventName'], ['eventSource'], ['eventTime'], ['eventID'], ['eventType'], ['userIdentity'], ['userIdentity', 'arn'], ['userIdentity', 'principalId'], ['userIdentity', 'accessKeyId'], ['userIdentity', 'invokedBy'], ['userIdentity', 'sessionContext'], ['userIdentity', 'userName'], ['errorCode'], ['sourceIPAddress'], ['recipientAccountId'], ['requestParameters'], ['responseElements'], ['resources'], ['resources', '0'], ['resources', '0', 'ARN'], ['readOnly']],
  'cloudtrail-envelope': [['detail', 'eventTime'], ['detail', 'userIdentity', 'type'], ['detail', 'resources'], ['id'], ['detail']],
  signin: [['resources'], ['resources', '0'], ['userIdentity', 'accountId'], ['additionalEventData'], ['responseElements']],
  windows: [['Event', 'System', 'EventID'], ['Event', 'System', 'Channel'], ['Event', 'System', 'Computer'], ['Event', 'System', 'TimeCreated'], ['Event', 'EventData'], ['Event', 'EventData', 'TargetObject'], ['Event', 'EventData', 'QueryName'], ['Event', 'EventData', 'SourceIp'], ['Event', 'EventData', 'DestinationIp'], ['Event', 'EventData', 'UtcTime'], ['Event', 'System', 'EventRecordID']],
  'sysmon-process': [['Event', 'EventData', 'Image'], ['Event', 'EventData', 'ProcessId'], ['Event', 'System', 'EventID'], ['Event', 'EventData', 'User']],
  'windows-flat': [['EventID'], ['Channel'], ['Computer'], ['TimeCreated'], ['TargetObject'], ['QueryName'], ['SourceIp'], ['DestinationIp'], ['EventRecordID']],
  okta: [['published'], ['eventType'], ['uuid'], ['actor']],
};

function setPath(root: Record<string, unknown>, path: string[], value: unknown, del: boolean): Record<string, unknown> {
  const copy = structuredClone(root);
  let o: Record<string, unknown> = copy;
  for (let i = 0; i < path.length - 1; i++) {
    const next = o[path[i]];
    if (typeof next !== 'object' || next === null) return copy;
    o = next as Record<string, unknown>;
  }
  if (del) delete o[path[path.length - 1]];
  else o[path[path.length - 1]] = value;
  return copy;
}

const arbValue = fc.oneof(
  fc.anything({ maxDepth: 2 }),
  fc.constantFrom('', '-', 0, 3, 13, 22, '2026-13-45T99:99:99Z', '1969-12-31T00:00:00Z', 'signin.amazonaws.com', 'Microsoft-Windows-Sysmon/Operational', [], {}, [1], [{}], null, true),
);

const arbCase = fc.tuple(fc.constantFrom(...KINDS), fc.nat()).chain(([kind, seed]) =>
  fc.record({
    kind: fc.constant(kind),
    record: fc.constant(generateRecord(kind, seed)),
    fieldEdits: fc.array(fc.record({ path: fc.constantFrom(...CHECKED[kind]), value: arbValue, del: fc.boolean() }), { maxLength: 3 }),
    edits: fc.array(arbEdit, { maxLength: 3 }),
  }),
);

/** routeRecord and normalizeRecord agree on `record`. */
function same(record: unknown): boolean {
  const eager = normalizeRecord(record);
  const routed = routeRecord(record);
  if (!eager.ok || !routed.ok) {
    expect(routed).toEqual(eager);
    return false;
  }
  expect(routed.events.length).toBe(eager.events.length);
  routed.events.forEach((e, i) => {
    const x = eager.events[i];
    expect({ uid: e.uid, source: e.source, logsource: e.logsource, time: e.time, raw: e.raw }).toEqual({ uid: x.uid, source: x.source, logsource: x.logsource, time: x.time, raw: x.raw });
    expect(e.ocsf).toEqual(x.ocsf);
    expect(JSON.parse(JSON.stringify(e))).toEqual(JSON.parse(JSON.stringify(x)));
  });
  return true;
}

describe('fuzz: route path equals normalize', () => {
  it('generated and mutated records: same acceptance, reasons, events and OCSF', () => {
    fc.assert(
      fc.property(arbCase, ({ kind, record, fieldEdits, edits }) => {
        let r: unknown = record;
        for (const f of fieldEdits) r = setPath(r as Record<string, unknown>, f.path, f.value, f.del);
        for (const e of edits) r = applyEdit(r, e);
        counter.hit(`${kind}-${same(r) ? 'ok' : 'rejected'}`);
      }),
      runs(3000),
    );
  });
});
