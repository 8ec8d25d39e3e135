import { CreateEventBusCommand, EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, ListQueuesCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import type { LocalRuntime } from '../../local/runtime';
import { replaySamples } from '../../local/start';
import { CASE_EVENT_TYPES, EventSources, providerBusName } from '../../shared/catalogue';
import { drainStage, startRuntime } from './support/runtime';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The provider's account: moto keeps a separate backend per account, chosen by this header. */
const PROVIDER_ACCOUNT = '222222222222';
/** Customer stacks run in moto's default account. */
const CUSTOMER_ACCOUNT = '123456789012';

type Next = (args: { request: unknown }) => Promise<unknown>;
interface Stack {
  add(middleware: (next: Next) => Next, options: { step: 'build'; name: string }): void;
}

function inAccount<T extends EventBridgeClient | SQSClient>(client: T, account: string): T {
  (client.middlewareStack as unknown as Stack).add(
    (next) => async (args) => {
      (args.request as { headers: Record<string, string> }).headers['x-moto-account-id'] = account;
      return next(args);
    },
    { step: 'build', name: 'motoAccount' },
  );
  return client;
}

async function receiveAll(sqs: SQSClient, queueUrl: string, atLeast: number): Promise<Message[]> {
  const got: Message[] = [];
  for (let i = 0; i < 30 && got.length < atLeast; i++) {
    const res = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    got.push(...(res.Messages ?? []));
    if (!res.Messages?.length) await new Promise((r) => setTimeout(r, 100));
  }
  return got;
}

/**
 * Customer → provider → customer across two moto accounts: curated case
 * events reach the provider's bus and consumer queue in the provider account,
 * and a provider command travels back and is applied to the customer's case.
 *
 * Two moto gaps shape the provider's side here (docs/deploy.md): moto cannot
 * PutEvents straight onto another account's bus, so the provider's command
 * sender is a rule on the provider bus targeting the customer bus (an AWS
 * pattern as valid as a direct PutEvents); and moto stamps forwarded events
 * with the receiving account and drops `account` on SQS delivery, so the
 * local runtime supplies the envelope account EventBridge would set.
 */
describe('customer and provider in separate accounts (moto multi-account)', () => {
  let runtime: LocalRuntime;
  const provider = {
    eventBridge: inAccount(new EventBridgeClient({}), PROVIDER_ACCOUNT),
    sqs: inAccount(new SQSClient({}), PROVIDER_ACCOUNT),
  };
  const providerPrefix = `p-${Math.random().toString(16).slice(2, 8)}`;
  let consumerQueueUrl: string;
  let caseEvents: Json[] = [];

  beforeAll(async () => {
    // The provider stack: its bus, a consumer queue fed by a case-events rule.
    const bus = await provider.eventBridge.send(new CreateEventBusCommand({ Name: providerBusName(providerPrefix) }));
    const queue = await provider.sqs.send(new CreateQueueCommand({ QueueName: `${providerPrefix}-consumer` }));
    consumerQueueUrl = queue.QueueUrl as string;
    const queueArn = (await provider.sqs.send(new GetQueueAttributesCommand({ QueueUrl: consumerQueueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
    await provider.eventBridge.send(
      new PutRuleCommand({
        Name: `${providerPrefix}-case-events`,
        EventBusName: providerBusName(providerPrefix),
        EventPattern: JSON.stringify({ source: [EventSources.cases], 'detail-type': [...CASE_EVENT_TYPES] }),
      }),
    );
    await provider.eventBridge.send(
      new PutTargetsCommand({ Rule: `${providerPrefix}-case-events`, EventBusName: providerBusName(providerPrefix), Targets: [{ Id: 'consumer', Arn: queueArn }] }),
    );

    // The customer stack, linked to that bus.
    runtime = await startRuntime({ provider: { accountId: PROVIDER_ACCOUNT, busArn: bus.EventBusArn as string } });
    expect(bus.EventBusArn).toContain(`:${PROVIDER_ACCOUNT}:`);

    // The provider's command sender: provider commands on its bus go to this customer's bus.
    await provider.eventBridge.send(
      new PutRuleCommand({ Name: `${providerPrefix}-commands`, EventBusName: providerBusName(providerPrefix), EventPattern: JSON.stringify({ source: [EventSources.provider] }) }),
    );
    await provider.eventBridge.send(
      new PutTargetsCommand({
        Rule: `${providerPrefix}-commands`,
        EventBusName: providerBusName(providerPrefix),
        Targets: [{ Id: 'customer', Arn: `arn:aws:events:${process.env.AWS_REGION ?? 'us-east-1'}:${CUSTOMER_ACCOUNT}:event-bus/${runtime.resources.busName}` }],
      }),
    );

    runtime.startPolling();
    await replaySamples(runtime);
    await runtime.waitForDrain(60_000);
    caseEvents = (await receiveAll(provider.sqs, consumerQueueUrl, 4)).map((m) => JSON.parse(m.Body as string) as Json);
  });

  afterAll(() => runtime?.stop());

  it('delivers the customer\'s case events, and nothing else, to the provider account', async () => {
    const opened = caseEvents.filter((e) => e['detail-type'] === 'CaseOpened');
    expect(opened).toHaveLength(await runtime.countCases());
    for (const e of caseEvents) {
      expect(e.source).toBe(EventSources.cases);
      expect(CASE_EVENT_TYPES).toContain(e['detail-type']);
      expect(e.detail).toMatchObject({ tenantId: 'local', caseId: expect.stringMatching(/^case-/) });
      // Curated: no raw telemetry crosses the boundary.
      expect(JSON.stringify(e)).not.toMatch(/userIdentity|sourceIPAddress|requestParameters/);
    }
  });

  it('keeps each account\'s resources to itself', async () => {
    const providerQueues = (await provider.sqs.send(new ListQueuesCommand({}))).QueueUrls ?? [];
    const customerQueues = (await runtime.clients.sqs.send(new ListQueuesCommand({}))).QueueUrls ?? [];
    expect(providerQueues.some((u) => u.includes(runtime.resources.prefix))).toBe(false);
    expect(customerQueues).not.toContain(consumerQueueUrl);
    expect(providerQueues).toContain(consumerQueueUrl);
  });

  it('applies a provider command from the provider account and sends the change back', async () => {
    const caseId = (caseEvents.find((e) => e['detail-type'] === 'CaseOpened')?.detail as Json).caseId as string;
    await provider.eventBridge.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: providerBusName(providerPrefix),
            Source: EventSources.provider,
            DetailType: 'AcknowledgeCase',
            Detail: JSON.stringify({ caseId, analyst: 'soc-analyst-3' }),
          },
        ],
      }),
    );
    await drainStage(runtime, 'commands');
    const detail = (await (await fetch(`${runtime.api.url}/cases/${caseId}`)).json()) as Json;
    expect(detail.case.status).toBe('ACKNOWLEDGED');
    expect((detail.timeline as Json[]).find((t) => t.action === 'acknowledged')?.actor).toEqual({
      type: 'provider',
      id: `${PROVIDER_ACCOUNT}:soc-analyst-3`,
      via: 'provider-bus',
    });
    const back = (await receiveAll(provider.sqs, consumerQueueUrl, 1)).map((m) => JSON.parse(m.Body as string) as Json);
    expect(back.find((e) => e['detail-type'] === 'CaseAcknowledged')?.detail).toMatchObject({ caseId, status: 'ACKNOWLEDGED', actor: { type: 'provider' } });
  });
});
