/**
 * The chaos suite: the pipeline in the local runtime on moto, with faults
 * injected where production has them, and invariants checked afterwards from
 * the store, the queues and the receivers.
 *
 *   SQS       every message delivered one to three times, out of order (fault proxy)
 *   DynamoDB  20% of data calls throttled, AWS error format (fault proxy)
 *   handlers  a crash after part of a batch (wrapHandler), a poison record in detect
 *   channels  5xx, 429 with Retry-After, timeouts (fault proxy before each receiver)
 *   runtime   killed and restarted mid-escalation over the same moto state
 *
 * Run: `npx tsx test/chaos/chaos.ts [--large]` (or CHAOS_SIZE=large, CHAOS_SEED=n).
 * The last line printed is the summary; the exit code is 1 if an invariant broke.
 */
import { DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { SQSBatchResponse } from 'aws-lambda';
import { localAwsEnv, startMoto, type MotoServer } from '../../local/moto';
import type { StageHandler } from '../../local/poller';
import { localClients, provision, type LocalResources } from '../../local/provision';
import { LocalRuntime, type LocalRuntimeOptions } from '../../local/runtime';
import { STAGE_IDS, type StageId } from '../../shared/catalogue';
import { correlationKey } from '../../shared/cases/model';
import { detectBatch } from '../../shared/detect/detector';
import { loadRuleSet } from '../../shared/detect/rules-artifact';
import { buildRulesArtifact, readRuleFiles } from '../../shared/detect/rule-files';
import type { EscalationConfig } from '../../shared/escalation/policy';
import { stableId } from '../../shared/hash';
import { normalizeBatch } from '../../shared/normalize/normalize-batch';
import { apiCatalogue, cloudTrailEnvelope, cloudTrailRecord, Rng } from '../bench/generators';
import type { ScriptedReceiver } from '../support/receivers/scripted-receiver';
import { signedWebhookReceiver } from '../support/receivers/webhook';
import { FaultProxy, SqsRedelivery, throttleDynamo, type FaultDecision, type FaultRule } from './fault-proxy';

export type ChaosSize = 'ci' | 'large';

export interface ChaosOptions {
  size?: ChaosSize;
  seed?: number;
  log?: (line: string) => void;
}

export interface ChaosResult {
  seed: number;
  size: ChaosSize;
  events: number;
  expectedCases: number;
  cases: number;
  casesLost: number;
  casesDuplicated: number;
  /** Findings whose alert is missing or counted twice on their case (alertCount against the input). */
  alertsMismatched: number;
  pages: number;
  pagesDuplicated: number;
  escalationsLost: number;
  deadLettered: number;
  dlqUnexplained: number;
  /** Faults injected, by kind. */
  faults: Record<string, number>;
  /** The summary line, printed last. */
  line: string;
}

/**
 * moto delivers an EventBridge event to SQS in about 0.4 s, and every finding
 * and case event takes that path: the attack share, not the event count,
 * sets how long a run takes.
 */
const SIZES: Record<ChaosSize, { events: number; attackShare: number; suspects: number; deadlineMs: number }> = {
  ci: { events: 600, attackShare: 0.015, suspects: 5, deadlineMs: 150_000 },
  large: { events: 6000, attackShare: 0.02, suspects: 30, deadlineMs: 900_000 },
};

const TENANT = 'local';
/** A message detect refuses every time: it must end in the DLQ, and is the only thing allowed there. */
const POISON = 'CHAOS-POISON';
const SECOND_TIER_DELAY = 4;
/** Long enough for the second tier of cases opened before the kill to fall due while nothing runs. */
const DOWNTIME_MS = (SECOND_TIER_DELAY + 1) * 1000;
/** Per-attempt channel timeout; the proxy's "hang" fault makes notify wait this long. */
const CHANNEL_TIMEOUT_MS = 1500;

const ESCALATION: EscalationConfig = {
  routes: [{ policy: 'chaos' }],
  policies: [
    {
      name: 'chaos',
      tiers: [
        { delaySeconds: 0, channels: ['pager', 'chat'], targets: ['primary'] },
        { delaySeconds: SECOND_TIER_DELAY, channels: ['pager'], targets: ['secondary'] },
      ],
    },
  ],
};

/** The suspicious calls the shipped CloudTrail rules look for. */
const ATTACKS = [
  { eventName: 'StopLogging', eventSource: 'cloudtrail.amazonaws.com', requestParameters: { name: 'org-trail' } },
  { eventName: 'DeleteTrail', eventSource: 'cloudtrail.amazonaws.com', requestParameters: { name: 'org-trail' } },
  { eventName: 'DeleteDetector', eventSource: 'guardduty.amazonaws.com', requestParameters: { detectorId: '12abc34d567e8fa901bc2d34e56789f0' } },
];

function attackEnvelope(r: Rng, i: number, suspect: number, now: number): Record<string, unknown> {
  const attack = ATTACKS[suspect % ATTACKS.length];
  const user = `suspect-${suspect}`;
  const time = new Date(now + i).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const detail = {
    eventVersion: '1.09',
    userIdentity: { type: 'IAMUser', principalId: `AIDACHAOS${suspect}`, arn: `arn:aws:iam::111122223333:user/${user}`, accountId: '111122223333', accessKeyId: `AKIACHAOS${suspect}`, userName: user },
    eventTime: time,
    eventSource: attack.eventSource,
    eventName: attack.eventName,
    awsRegion: 'us-east-1',
    // One address per suspect: the address is part of the correlation key.
    sourceIPAddress: `203.0.113.${(suspect % 250) + 1}`,
    userAgent: 'aws-cli/2.17.0',
    requestParameters: attack.requestParameters,
    responseElements: null,
    requestID: r.uuid(),
    eventID: `chaos-${i}-${r.hex(8)}`,
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: '111122223333',
    eventCategory: 'Management',
  };
  return cloudTrailEnvelope(detail, r);
}

/** The input: background CloudTrail traffic with bursts of attacks by a few suspects, in a seeded order. */
function generateInput(r: Rng, size: { events: number; attackShare: number; suspects: number }): Record<string, unknown>[] {
  const calls = apiCatalogue();
  const now = Date.now();
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < size.events; i++) {
    if (r.chance(size.attackShare)) out.push(attackEnvelope(r, i, r.int(0, size.suspects - 1), now));
    else out.push(cloudTrailEnvelope(cloudTrailRecord(r, calls, i), r));
  }
  return out;
}

/** What a fault-free pipeline makes of the input: the findings, grouped by the cases stage's own correlation key. */
async function expectedFindings(messages: readonly string[]): Promise<Map<string, Set<string>>> {
  const rules = loadRuleSet(buildRulesArtifact(readRuleFiles(['rules'])));
  const { events } = normalizeBatch(messages.map((body, i) => ({ messageId: String(i), body })));
  const detections = await detectBatch(
    events.map((e) => e.event),
    rules,
    { tenantId: TENANT, now: new Date() },
  );
  const byKey = new Map<string, Set<string>>();
  for (const d of detections) {
    const key = correlationKey(d.finding);
    byKey.set(key, (byKey.get(key) ?? new Set()).add(d.finding.findingId));
  }
  return byKey;
}

/** Per delivery id, a seeded number (0–2) of failed attempts before the receiver is reached: retries always end in delivery. */
function channelFaults(seed: number, counts: Map<string, number>, rng: Rng): FaultRule {
  return (req): FaultDecision | undefined => {
    const id = req.headers['x-mdr-delivery-id'];
    if (typeof id !== 'string') return undefined;
    const planned = parseInt(stableId('chaos-channel', String(seed), id).slice(0, 8), 16) % 3;
    const attempt = counts.get(id) ?? 0;
    counts.set(id, attempt + 1);
    if (attempt >= planned) return undefined;
    switch (rng.int(0, 3)) {
      case 0:
        return { kind: 'respond', label: 'channel.503', status: 503, headers: { 'content-type': 'application/json' }, body: '{"error":"unavailable"}' };
      case 1:
        return { kind: 'respond', label: 'channel.500', status: 500, headers: { 'content-type': 'application/json' }, body: '{"error":"internal"}' };
      case 2:
        return { kind: 'respond', label: 'channel.429', status: 429, headers: { 'content-type': 'application/json', 'retry-after': '1' }, body: '{"error":"slow down"}' };
      default:
        return { kind: 'hang', label: 'channel.timeout' };
    }
  };
}

interface Page {
  channel: string;
  deliveryId: string;
  caseId: string;
  run: number;
  loop: number;
  tier: number;
  target: string;
}

function pagesOf(channel: string, receiver: ScriptedReceiver): Page[] {
  return receiver.accepted.map((r) => {
    const body = r.json as { deliveryId: string; case: { id: string }; escalation: { run: number; loop: number; tier: number; target: string } };
    return { channel, deliveryId: body.deliveryId, caseId: body.case.id, ...body.escalation };
  });
}

async function scanCases(dynamo: DynamoDBClient, table: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const res = await dynamo.send(
      new ScanCommand({ TableName: table, FilterExpression: 'sk = :case', ExpressionAttributeValues: { ':case': { S: 'CASE' } }, ExclusiveStartKey: start }),
    );
    for (const item of res.Items ?? []) out.push(unmarshall(item));
    start = res.LastEvaluatedKey;
  } while (start);
  return out;
}

async function drainQueue(sqs: SQSClient, url: string): Promise<string[]> {
  const bodies = new Map<string, string>();
  for (let i = 0; i < 100; i++) {
    const res = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 120 }));
    if (!res.Messages?.length) break;
    for (const m of res.Messages) bodies.set(m.MessageId as string, m.Body ?? '');
  }
  return [...bodies.values()];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runChaos(options: ChaosOptions = {}): Promise<ChaosResult> {
  const size = options.size ?? 'ci';
  const seed = options.seed ?? 20260611;
  const log = options.log ?? (() => undefined);
  const plan = SIZES[size];
  const rng = new Rng(seed);
  const faults: Record<string, number> = {};
  const count = (label: string, n = 1) => (faults[label] = (faults[label] ?? 0) + n);

  const input = generateInput(rng, plan);
  // Messages of 1 to 20 envelopes as NDJSON (a forwarder's batch): fewer, larger messages, as telemetry arrives.
  const messages: string[] = [];
  for (let i = 0; i < input.length; ) {
    const n = rng.int(1, 20);
    messages.push(input.slice(i, i + n).map((e) => JSON.stringify(e)).join('\n'));
    i += n;
  }
  const expected = await expectedFindings(messages);

  const moto: MotoServer = await startMoto();
  const savedEndpoint = process.env.AWS_ENDPOINT_URL;
  const redelivery = new SqsRedelivery(new Rng(seed + 1));
  const awsProxy = new FaultProxy(moto.endpoint, [throttleDynamo(new Rng(seed + 2), 0.2), redelivery.rule]);
  const attempts = new Map<string, number>();
  let receivers: Record<'pager' | 'chat', ScriptedReceiver> | undefined;
  const channelProxies: Record<string, FaultProxy> = {};
  let runtime: LocalRuntime | undefined;
  // Straight to moto, past the proxy: what the invariants read is not itself faulted.
  const direct = { dynamo: new DynamoDBClient({ endpoint: moto.endpoint }), sqs: new SQSClient({ endpoint: moto.endpoint }) };
  try {
    await awsProxy.start();
    // Every client of the runtime and of the functions (built at module load) goes through the proxy.
    process.env.AWS_ENDPOINT_URL = awsProxy.url;
    const resources: LocalResources = await provision(localClients(), `chaos-${seed.toString(36)}-${Date.now().toString(36)}`.slice(0, 31));
    // Two receivers checking the signed-webhook contract, each behind its own fault proxy.
    const rx = (receivers = {
      pager: signedWebhookReceiver('/hooks/pager', [resources.webhookSecret]),
      chat: signedWebhookReceiver('/hooks/chat', [resources.webhookSecret]),
    });
    for (const [name, receiver] of Object.entries(rx)) {
      const origin = await receiver.start();
      channelProxies[name] = new FaultProxy(origin, [channelFaults(seed, attempts, new Rng(seed + name.length))]);
      await channelProxies[name].start();
    }

    // Handler faults: one crash after part of a batch (each message at most once), the poison record, and the kill.
    const state = { killed: false };
    const crashedOnce = new Set<string>();
    const crashRng = new Rng(seed + 3);
    const wrapHandler =
      (stage: StageId, handler: StageHandler): StageHandler =>
      async (event, context) => {
        if (state.killed) throw new Error('chaos: runtime killed');
        const poison = event.Records.filter((r) => r.body.includes(POISON));
        const records = event.Records.filter((r) => !r.body.includes(POISON));
        if (records.length >= 2 && records.every((r) => !crashedOnce.has(r.messageId)) && crashRng.chance(0.25)) {
          const part = records.slice(0, Math.ceil(records.length / 2));
          await handler({ Records: part }, context);
          for (const r of records) crashedOnce.add(r.messageId);
          count('handler.crash_mid_batch');
          throw new Error(`chaos: ${stage} crashed after ${part.length} of ${records.length} records`);
        }
        const res = records.length ? ((await handler({ Records: records }, context)) as SQSBatchResponse | undefined) : undefined;
        // Killed while this batch ran: its work is done but never reported, as when Lambda dies before returning.
        if (state.killed) throw new Error('chaos: runtime killed');
        if (poison.length) count('handler.poison_refused', poison.length);
        return { batchItemFailures: [...(res?.batchItemFailures ?? []), ...poison.map((r) => ({ itemIdentifier: r.messageId }))] };
      };
    const runtimeOptions: LocalRuntimeOptions = {
      resources,
      tenantId: TENANT,
      escalation: ESCALATION,
      retryDelaySeconds: 1,
      extraChannels: {
        pager: { kind: 'webhook', url: `${channelProxies.pager.url}/hooks/pager`, timeoutMs: CHANNEL_TIMEOUT_MS },
        chat: { kind: 'webhook', url: `${channelProxies.chat.url}/hooks/chat`, timeoutMs: CHANNEL_TIMEOUT_MS },
      },
      wrapHandler,
    };
    runtime = await LocalRuntime.start(runtimeOptions);
    runtime.startPolling();
    const started = Date.now();
    log(`chaos: seed=${seed} size=${size} events=${input.length} messages=${messages.length} expected_cases=${expected.size} expected_findings=${[...expected.values()].reduce((n, f) => n + f.size, 0)} prefix=${resources.prefix}`);

    await runtime.sendRaw('detect', JSON.stringify({ v: 1, events: [], marker: POISON }));
    // The SQS-direct ingest path (moto's PutEvents takes ~0.4 s an event: too slow for hundreds).
    for (let i = 0; i < messages.length; i += 10) {
      const res = await runtime.clients.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: resources.queueUrls.normalize,
          Entries: messages.slice(i, i + 10).map((body, j) => ({ Id: String(j), MessageBody: body })),
        }),
      );
      if (res.Failed?.length) throw new Error(`could not send input: ${JSON.stringify(res.Failed)}`);
    }

    const pages = () => [...pagesOf('pager', rx.pager), ...pagesOf('chat', rx.chat)];
    let lastProgress = 0;
    // CHAOS_DEBUG=1: where the messages are, every five seconds.
    const progress = async () => {
      if (!process.env.CHAOS_DEBUG || Date.now() - lastProgress < 5000 || !runtime) return;
      lastProgress = Date.now();
      const depths = await Promise.all(STAGE_IDS.map(async (s) => `${s}=${await runtime?.queueDepth(resources.queueUrls[s])}`));
      log(`chaos: +${Date.now() - started} ms queues ${depths.join(' ')} held=${redelivery.pending} pages=${pages().length}`);
    };
    const deadline = started + plan.deadlineMs;
    // Kill mid-escalation: once a third of the cases had their first page, their second tier still to come.
    let restarted = false;
    while (Date.now() < deadline) {
      const firstPaged = new Set(pages().filter((p) => p.tier === 0).map((p) => p.caseId));
      if (firstPaged.size >= Math.max(1, Math.ceil(expected.size / 3))) break;
      await progress();
      await sleep(200);
    }
    state.killed = true;
    await runtime.stop();
    count('runtime.killed');
    log(`chaos: runtime killed at +${Date.now() - started} ms with ${new Set(pages().map((p) => p.caseId)).size} cases paged; down ${DOWNTIME_MS} ms`);
    await sleep(DOWNTIME_MS);
    state.killed = false;
    runtime = await LocalRuntime.start(runtimeOptions);
    runtime.startPolling();
    restarted = true;

    // Run until every expected case has all its pages and the pipeline is quiet, or the deadline.
    const queues = [...STAGE_IDS.map((s) => resources.queueUrls[s])];
    for (;;) {
      const cases = await scanCases(direct.dynamo, resources.tableName);
      const seen = pages();
      const complete =
        cases.length >= expected.size &&
        cases.every((c) => ESCALATION.policies[0].tiers.every((t, tier) => t.channels.every((ch) => seen.some((p) => p.caseId === c.caseId && p.tier === tier && p.channel === ch))));
      if (complete && redelivery.pending === 0) {
        const depths = await Promise.all(queues.map((q) => runtime?.queueDepth(q) ?? 0));
        if (depths.every((d) => d === 0) && !STAGE_IDS.some((s) => runtime?.pollers[s].busy)) break;
      }
      if (Date.now() > deadline) {
        log(`chaos: deadline reached with ${cases.length}/${expected.size} cases and ${redelivery.pending} held messages`);
        break;
      }
      await progress();
      await sleep(500);
    }
    // Let the last exhaustion timers and deletes settle, then stop before reading.
    await sleep(500);
    await runtime.stop();
    const endedAt = Date.now();
    runtime = undefined;

    // ---------------------------------------------------------------- invariants
    const cases = await scanCases(direct.dynamo, resources.tableName);
    const byKey = new Map<string, Record<string, unknown>[]>();
    for (const c of cases) byKey.set(c.correlationKey as string, [...(byKey.get(c.correlationKey as string) ?? []), c]);
    let casesLost = 0;
    let alertsMismatched = 0;
    for (const [key, findings] of expected) {
      const mine = byKey.get(key) ?? [];
      if (!mine.length) casesLost++;
      const alerts = mine.reduce((n, c) => n + Number(c.alertCount), 0);
      alertsMismatched += Math.abs(alerts - findings.size);
    }
    let casesDuplicated = 0;
    for (const mine of byKey.values()) casesDuplicated += Math.max(0, mine.length - 1);
    // A case for a key the input does not produce is a duplicate of nothing: count it too.
    for (const key of byKey.keys()) if (!expected.has(key)) casesDuplicated += byKey.get(key)?.length ?? 0;

    const allPages = pages();
    const byDelivery = new Map<string, number>();
    for (const p of allPages) {
      const k = `${p.channel}|${p.caseId}|${p.run}|${p.loop}|${p.tier}|${p.target}`;
      byDelivery.set(k, (byDelivery.get(k) ?? 0) + 1);
      if (p.deliveryId !== stableId('notification', p.caseId, String(p.run), String(p.loop), String(p.tier), p.channel, p.target)) count('page.unexpected_delivery_id');
    }
    const pagesDuplicated = [...byDelivery.values()].reduce((n, k) => n + k - 1, 0);

    let escalationsLost = 0;
    const tiers = ESCALATION.policies[0].tiers;
    for (const c of cases) {
      if (c.status !== 'NEW') continue;
      let due = Date.parse(c.createdAt as string);
      tiers.forEach((tier, i) => {
        due += tier.delaySeconds * 1000;
        // Due with a sweep to spare (the sweeper runs every second locally).
        if (due + 2000 > endedAt) return;
        for (const channel of tier.channels) {
          for (const target of tier.targets) {
            if (!allPages.some((p) => p.caseId === c.caseId && p.run === 1 && p.loop === 0 && p.tier === i && p.channel === channel && p.target === target)) escalationsLost++;
          }
        }
      });
    }

    let deadLettered = 0;
    let dlqUnexplained = 0;
    for (const stage of STAGE_IDS) {
      for (const body of await drainQueue(direct.sqs, resources.deadLetterQueueUrls[stage])) {
        deadLettered++;
        if (!body.includes(POISON)) {
          dlqUnexplained++;
          log(`chaos: unexplained DLQ message in ${stage}: ${body.slice(0, 300)}`);
        }
      }
    }
    const quarantined = (await drainQueue(direct.sqs, resources.quarantineQueueUrl)).length;

    for (const [k, v] of Object.entries(awsProxy.injected)) count(k, v);
    for (const p of Object.values(channelProxies)) for (const [k, v] of Object.entries(p.injected)) count(k, v);
    count('sqs.extra_deliveries', redelivery.stats.copies);
    count('sqs.held_back', redelivery.stats.delayed);
    count('sqs.shuffled_receives', redelivery.stats.shuffled);
    if (!restarted) count('runtime.not_restarted');

    log(`chaos: faults ${Object.entries(faults).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join(' ')}`);
    log(
      `chaos: cases=${cases.length} expected=${expected.size} alerts_mismatched=${alertsMismatched} pages=${allPages.length} dead_lettered=${deadLettered} quarantined=${quarantined} elapsed_ms=${endedAt - started}`,
    );
    const line = `chaos: events=${input.length} cases_lost=${casesLost} cases_duplicated=${casesDuplicated} pages_duplicated=${pagesDuplicated} escalations_lost=${escalationsLost} dlq_unexplained=${dlqUnexplained}`;
    log(line);
    return {
      seed,
      size,
      events: input.length,
      expectedCases: expected.size,
      cases: cases.length,
      casesLost,
      casesDuplicated,
      alertsMismatched,
      pages: allPages.length,
      pagesDuplicated,
      escalationsLost,
      deadLettered,
      dlqUnexplained,
      faults,
      line,
    };
  } finally {
    await runtime?.stop().catch(() => undefined);
    await Promise.all(Object.values(channelProxies).map((p) => p.stop()));
    await Promise.all(Object.values(receivers ?? {}).map((r) => r.stop()));
    await awsProxy.stop();
    process.env.AWS_ENDPOINT_URL = savedEndpoint;
    await moto.stop();
  }
}

/** Broken invariants of a result, by name (empty when it held). */
export function brokenInvariants(r: ChaosResult): string[] {
  const out: string[] = [];
  if (r.events <= 0) out.push('no events');
  for (const [name, v] of Object.entries({
    cases_lost: r.casesLost,
    cases_duplicated: r.casesDuplicated,
    alerts_mismatched: r.alertsMismatched,
    pages_duplicated: r.pagesDuplicated,
    escalations_lost: r.escalationsLost,
    dlq_unexplained: r.dlqUnexplained,
  })) {
    if (v !== 0) out.push(`${name}=${v}`);
  }
  return out;
}

async function main(): Promise<void> {
  const large = process.argv.includes('--large') || process.env.CHAOS_SIZE === 'large';
  const seed = process.env.CHAOS_SEED ? Number(process.env.CHAOS_SEED) : undefined;
  // Dummy credentials and region for the SDK; the endpoint is moto's (started here unless AWS_ENDPOINT_URL names one).
  for (const [k, v] of Object.entries(localAwsEnv(''))) if (k !== 'AWS_ENDPOINT_URL') process.env[k] ??= v;
  const print = (l: string) => process.stdout.write(`${l}\n`);
  // The functions write CloudWatch EMF metrics as JSON lines on stdout: noise here, and the summary must come last.
  const log = console.log;
  console.log = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('{"_aws"')) return;
    log(...args);
  };
  const result = await runChaos({ size: large ? 'large' : 'ci', seed, log: print });
  const broken = brokenInvariants(result);
  if (broken.length) {
    process.stderr.write(`chaos: invariants broken: ${broken.join(', ')} (replay with CHAOS_SEED=${result.seed})\n`);
    print(result.line);
    process.exitCode = 1;
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
