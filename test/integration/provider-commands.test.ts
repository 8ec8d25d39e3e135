import type { LocalRuntime } from '../../local/runtime';
import { LOCAL_PROVIDER_ACCOUNT } from '../../local/runtime';
import { finding, findingEnvelope } from '../fixtures/findings';
import { drainStage, peekAll, startRuntime } from './support/runtime';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Provider → customer: commands on the customer bus go through the same case code as the API. */
describe('provider commands on moto', () => {
  let runtime: LocalRuntime;
  let caseId: string;

  const get = async (id: string): Promise<Json> => (await (await fetch(`${runtime.api.url}/cases/${id}`)).json()) as Json;

  const command = (detailType: string, detail: Record<string, unknown>) =>
    runtime.putEventsOn(runtime.resources.busName, [{ Source: 'mdr.provider', DetailType: detailType, Detail: JSON.stringify(detail) }]);

  beforeAll(async () => {
    runtime = await startRuntime({ tenantId: 'local' });
    const f = finding({ findingId: 'prov-1', tenantId: 'local', entities: { users: ['quentin'], hosts: [], ips: [], accounts: [], resources: [] } });
    await runtime.sendRaw('cases', findingEnvelope(f));
    await drainStage(runtime, 'cases');
    const list = (await (await fetch(`${runtime.api.url}/cases`)).json()) as Json;
    caseId = (list.cases as Json[]).find((c) => c.entities.users.includes('quentin'))?.caseId;
  });

  afterAll(() => runtime?.stop());

  it('applies acknowledge, note, assign and resolve from the provider, attributed to the provider', async () => {
    await command('AcknowledgeCase', { caseId, analyst: 'soc-analyst-7' });
    await drainStage(runtime, 'commands');
    await command('AddNote', { caseId, text: 'Investigating with the customer.', analyst: 'soc-analyst-7' });
    await command('AssignCase', { caseId, assignee: 'soc-tier2' });
    await drainStage(runtime, 'commands');
    await command('ResolveCase', { caseId, resolution: 'false_positive', comment: 'Change ticket CHG-1', analyst: 'soc-analyst-7' });
    await drainStage(runtime, 'commands');
    const detail = await get(caseId);
    expect(detail.case).toMatchObject({ status: 'RESOLVED', resolution: 'false_positive', assignee: 'soc-tier2', noteCount: 1 });
    const byProvider = (detail.timeline as Json[]).filter((t) => t.actor.type === 'provider');
    expect(byProvider.map((t) => t.action).sort()).toEqual(['acknowledged', 'assigned', 'note_added', 'resolved']);
    expect(byProvider.find((t) => t.action === 'acknowledged')?.actor).toEqual({ type: 'provider', id: `${LOCAL_PROVIDER_ACCOUNT}:soc-analyst-7`, via: 'provider-bus' });
  });

  it('quarantines commands the case refuses, from another account, or malformed — and changes nothing', async () => {
    const before = (await get(caseId)).case.version;
    await command('AcknowledgeCase', { caseId }); // already resolved: illegal
    await command('ResolveCase', { caseId, resolution: 'maybe' });
    await command('AddNote', { caseId: 'case-00000000000000000000', text: 'x' });
    // A forged envelope claiming another account straight on the queue (EventBridge sets `account`, senders cannot).
    await runtime.sendRaw(
      'commands',
      JSON.stringify({ version: '0', id: 'forged-1', source: 'mdr.provider', 'detail-type': 'AcknowledgeCase', account: '999999999999', time: new Date().toISOString(), region: 'us-east-1', resources: [], detail: { caseId, tenantId: 'local' } }),
    );
    await drainStage(runtime, 'commands');
    expect((await get(caseId)).case.version).toBe(before);
    const q = await peekAll(runtime, runtime.resources.quarantineQueueUrl);
    const reasons = q.filter((m) => m.MessageAttributes?.stage?.StringValue === 'commands').map((m) => m.MessageAttributes?.reason?.StringValue ?? '');
    expect(reasons).toHaveLength(4);
    expect(reasons.some((r) => r.startsWith('illegal_transition'))).toBe(true);
    expect(reasons.some((r) => r.startsWith('invalid_request'))).toBe(true);
    expect(reasons.some((r) => r.startsWith('not_found'))).toBe(true);
    expect(reasons.some((r) => r.startsWith('forbidden') && r.includes('999999999999'))).toBe(true);
  });

  it('applies a redelivered command once', async () => {
    const f = finding({ findingId: 'prov-2', tenantId: 'local', entities: { users: ['rita'], hosts: [], ips: [], accounts: [], resources: [] } });
    await runtime.sendRaw('cases', findingEnvelope(f));
    await drainStage(runtime, 'cases');
    const list = (await (await fetch(`${runtime.api.url}/cases`)).json()) as Json;
    const id = (list.cases as Json[]).find((c) => c.entities.users.includes('rita'))?.caseId;
    const envelope = JSON.stringify({ version: '0', id: 'evt-note-1', source: 'mdr.provider', 'detail-type': 'AddNote', account: LOCAL_PROVIDER_ACCOUNT, time: new Date().toISOString(), region: 'us-east-1', resources: [], detail: { caseId: id, text: 'once' } });
    await runtime.sendRaw('commands', envelope);
    await runtime.sendRaw('commands', envelope);
    await drainStage(runtime, 'commands');
    expect((await get(id)).case.noteCount).toBe(1);
  });
});
