import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalRuntime } from '../../local/runtime';
import { drainStage, peekAll, startRuntime } from './support/runtime';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const fixture = (path: string): Json => JSON.parse(readFileSync(join(__dirname, '../fixtures/sources', path), 'utf8')) as Json;

/**
 * AWS service events on the default bus, through the catalogue's rules:
 * GuardDuty and Security Hub findings reach normalize and become OCSF
 * Detection Findings; other services' events match no rule and cost nothing.
 */
describe('AWS service events from the default bus', () => {
  let runtime: LocalRuntime;

  beforeAll(async () => {
    runtime = await startRuntime();
  });

  afterAll(() => runtime?.stop());

  it('takes GuardDuty and Security Hub findings in, and nothing else', async () => {
    const put = (e: Json) => ({ Source: e.source, DetailType: e['detail-type'], Detail: JSON.stringify(e.detail), Resources: e.resources ?? [] });
    const guardduty = fixture('guardduty/eventbridge-ssh-bruteforce.json');
    const securityhub = fixture('securityhub/eventbridge-imported.json');
    const unrelated = { source: 'aws.ec2', 'detail-type': 'EC2 Instance State-change Notification', detail: { 'instance-id': 'i-0abc', state: 'running' } };
    await runtime.putEvents([put(guardduty), put(securityhub), put(unrelated)]);

    const inbound = await peekAll(runtime, runtime.resources.queueUrls.normalize);
    const sources = inbound.map((m) => (JSON.parse(m.Body as string) as Json).source).sort();
    expect(sources).toEqual(['aws.guardduty', 'aws.securityhub']);

    await drainStage(runtime, 'normalize');
    const batches = await peekAll(runtime, runtime.resources.queueUrls.detect);
    const events = batches.flatMap((m) => (JSON.parse(m.Body as string) as Json).events as Json[]);
    // One event per GuardDuty finding, one per ASFF finding in the Security Hub event.
    expect(events.filter((e) => e.source === 'aws.guardduty')).toHaveLength(1);
    expect(events.filter((e) => e.source === 'aws.securityhub')).toHaveLength((securityhub.detail.findings as unknown[]).length);
    for (const e of events) expect([2003, 2004]).toContain(e.ocsf.class_uid);

    // The shipped GuardDuty rule fires on the brute-force finding: a case opens.
    await drainStage(runtime, 'detect');
    await drainStage(runtime, 'cases');
    const list = (await (await fetch(`${runtime.api.url}/cases`)).json()) as Json;
    expect((list.cases as Json[]).some((c) => String(c.title).startsWith('GuardDuty Brute Force Against An Instance'))).toBe(true);
  });

  it('takes a forwarder\'s events from the ingest bus, the vendor record alone reaching normalize', async () => {
    const okta = (fixture('okta/logs-api-page.json') as unknown as Json[])[0];
    await runtime.putEventsOn(runtime.resources.ingestBusName, [
      { Source: 'acme.okta-forwarder', DetailType: 'Telemetry', Detail: JSON.stringify(okta) },
      // Not telemetry: matches no rule, never reaches a queue.
      { Source: 'acme.okta-forwarder', DetailType: 'Heartbeat', Detail: JSON.stringify({ ok: true }) },
    ]);
    const inbound = await peekAll(runtime, runtime.resources.queueUrls.normalize);
    expect(inbound.map((m) => JSON.parse(m.Body as string) as Json)).toEqual([okta]);
    await drainStage(runtime, 'normalize');
    const batches = await peekAll(runtime, runtime.resources.queueUrls.detect);
    const events = batches.flatMap((m) => (JSON.parse(m.Body as string) as Json).events as Json[]);
    const forwarded = events.filter((e) => e.raw?.uuid === okta.uuid);
    expect(forwarded).toHaveLength(1);
    expect(forwarded[0]).toMatchObject({ source: expect.stringMatching(/okta/), ocsf: { class_uid: 3002 } });
  });
});
