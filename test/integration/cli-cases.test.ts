import { buildProgram } from '../../cli/mdr';
import type { LocalRuntime } from '../../local/runtime';
import { finding, findingEnvelope } from '../fixtures/findings';
import { drainStage, startRuntime } from './support/runtime';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** `mdr cases …` in-process against the local runtime's case API. */
describe('mdr cases against the local runtime', () => {
  let runtime: LocalRuntime;
  let caseId: string;

  async function mdr(...args: string[]): Promise<string> {
    const chunks: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
      chunks.push(String(c));
      return true;
    });
    try {
      const program = buildProgram().exitOverride();
      await program.parseAsync(['node', 'mdr', ...args, '--api', runtime.api.url]);
    } finally {
      spy.mockRestore();
    }
    return chunks.join('');
  }

  beforeAll(async () => {
    runtime = await startRuntime({ tenantId: 'local' });
    const f = finding({ findingId: 'cli-1', tenantId: 'local', entities: { users: ['cli-user'], hosts: [], ips: [], accounts: [], resources: [] } }, 'critical');
    await runtime.sendRaw('cases', findingEnvelope(f));
    await drainStage(runtime, 'cases');
  });

  afterAll(() => runtime?.stop());

  it('lists cases as a table and as JSON', async () => {
    const json = JSON.parse(await mdr('cases', 'list', '--json')) as Json;
    expect(json.cases).toHaveLength(1);
    caseId = json.cases[0].caseId;
    const table = await mdr('cases', 'list');
    expect(table.split('\n')[0]).toMatch(/^CASE\s+STATUS\s+SEVERITY\s+ALERTS\s+CREATED\s+ASSIGNEE\s+TITLE/);
    expect(table).toContain(caseId);
    expect(table).toMatch(/NEW\s+critical/);
    expect(await mdr('cases', 'list', '--status', 'resolved')).toBe('no cases\n');
  });

  it('shows, acknowledges, notes, assigns and resolves a case', async () => {
    expect(await mdr('cases', 'show', caseId)).toContain(`${caseId}  [CRITICAL] Test rule by cli-user`);
    expect(await mdr('cases', 'ack', caseId, '--as', 'arn:aws:iam::000000000000:user/alice')).toMatch(new RegExp(`^${caseId}: ACKNOWLEDGED · version 2 · CaseAcknowledged`));
    expect(await mdr('cases', 'note', caseId, 'checked', 'with', 'the', 'owner')).toContain('version 3');
    expect(await mdr('cases', 'assign', caseId, 'bob@example.com')).toContain('assigned to bob@example.com');
    expect(await mdr('cases', 'resolve', caseId, '--resolution', 'false_positive', '--comment', 'test account')).toContain('RESOLVED (false_positive)');

    const detail = JSON.parse(await mdr('cases', 'show', caseId, '--json')) as Json;
    expect(detail.case).toMatchObject({ status: 'RESOLVED', resolution: 'false_positive', assignee: 'bob@example.com', acknowledgedBy: 'arn:aws:iam::000000000000:user/alice', noteCount: 1 });
    expect((detail.timeline as Json[]).find((t) => t.action === 'note_added')?.details).toEqual({ text: 'checked with the owner' });

    const text = await mdr('cases', 'show', caseId);
    expect(text).toMatch(/status:\s+RESOLVED/);
    expect(text).toContain('timeline:');
    expect(text).toMatch(/note_added\s+arn:aws:iam::000000000000:user\/local-operator \(api\)/);
  });

  it('reports API refusals as errors with the code', async () => {
    await expect(mdr('cases', 'ack', caseId)).rejects.toThrow(/illegal_transition/);
    await expect(mdr('cases', 'show', 'case-ffffffffffffffffffff')).rejects.toThrow(/not_found.*404/);
    await expect(mdr('cases', 'resolve', caseId, '--resolution', 'fixed')).rejects.toThrow(/--resolution must be one of/);
  });
});
