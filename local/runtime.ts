/* eslint-disable @typescript-eslint/no-require-imports */
import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { ContextSourceConfig } from '../shared/aws/context-source';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { caseViewUrl, DEFAULT_VIEW_LINK_TTL_MS, issueViewToken } from '../shared/ack/view-token';
import { Env, STAGE_IDS, STAGES, type StageId } from '../shared/catalogue';
import type { TelemetryBatch } from '../shared/contracts/telemetry-batch';
import { buildRulesArtifact, readRuleFiles } from '../shared/detect/rule-files';
import { DEFAULT_ESCALATION, type EscalationConfig } from '../shared/escalation/policy';
import type { ChannelsConfig } from '../shared/notify/channels';
import { LocalAckApi } from './ack-server';
import { LocalHttpApi, type ApiHandler } from './api-server';
import { QueuePoller, type StageHandler } from './poller';
import { localClients, provision, type LocalClients, type LocalResources } from './provision';
import { WebhookSink } from './webhook-sink';

export interface LocalRuntimeOptions {
  prefix?: string;
  tenantId?: string;
  /** Rule files or folders; defaults to the shipped `rules/`. */
  rulePaths?: string[];
  escalation?: EscalationConfig;
  /** Seconds before a failed message is visible again (see PollerOptions.retryDelaySeconds). */
  retryDelaySeconds?: number;
  /** Channels beside the built-in `webhook` one (to the local receiver), e.g. a second receiver in tests. */
  extraChannels?: ChannelsConfig;
  /**
   * A provider in another moto account: case events are forwarded to its bus
   * and commands are accepted from its account. Default: both sides in moto's
   * default account, with a local stand-in provider bus.
   */
  provider?: { accountId: string; busArn: string };
  /** Context data and threat intel for the enrich stage; default: samples/context.json and samples/threat-intel.txt. */
  investigation?: ContextSourceConfig;
  /** Response configuration (config `response`); default: LOCAL_RESPONSE. */
  response?: unknown;
  /** Replace a stage's handler (tests inject faults moto cannot produce). */
  wrapHandler?: (stage: StageId, handler: StageHandler) => StageHandler;
  /** Resources provisioned earlier on this moto: a restart over the same state (the prefix is theirs). */
  resources?: LocalResources;
}

export interface RunSummary {
  events: number;
  findings: number;
  cases: number;
  notifications: number;
  quarantined: number;
  deadLettered: number;
}

/** moto's default account id; the local provider "account" for commands. */
export const LOCAL_PROVIDER_ACCOUNT = '123456789012';

/** The real Lambda entry points, loaded after the environment they read at cold start is set. */
const ENTRY_POINTS: Record<StageId, () => StageHandler> = {
  normalize: () => require('../functions/normalize/index').handler,
  detect: () => require('../functions/detect/index').handler,
  cases: () => require('../functions/cases/index').handler,
  escalate: () => require('../functions/escalate/index').handler,
  notify: () => require('../functions/notify/index').handler,
  commands: () => require('../functions/commands/index').handler,
  enrich: () => require('../functions/enrich/index').handler,
  respond: () => require('../functions/respond/index').handler,
};

/** The demo customer's context and threat intel (samples/), inline as a deployment would configure them. */
function localInvestigation(): ContextSourceConfig {
  return {
    context: { inline: JSON.parse(readFileSync('samples/context.json', 'utf8')) as unknown },
    intel: [{ name: 'provider-feed', inline: readFileSync('samples/threat-intel.txt', 'utf8') }],
  };
}

/**
 * Response actions of the local demo: keys may be deactivated by the
 * customer at once or by the provider with the customer's approval; a
 * deny-all policy needs approval; quarantining instances is not allowed.
 */
export const LOCAL_RESPONSE = {
  actions: {
    deactivate_access_key: { enabled: true, requesters: ['customer', 'provider'], approval: 'none' },
    deny_all_policy: { enabled: true, requesters: ['customer', 'provider'], approval: 'customer' },
  },
};

/**
 * moto delivers EventBridge events to SQS without the envelope's `account`,
 * which EventBridge always sets (and the commands stage relies on). Fill it
 * in as EventBridge would for the only sender locally: the provider (moto
 * also stamps a forwarded event with the receiving account, where
 * EventBridge keeps the sender's, so the provider's account is the truth).
 */
function withEnvelopeAccount(handler: StageHandler, account: string): StageHandler {
  return (event, context) =>
    handler(
      {
        Records: event.Records.map((r) => {
          if (!r.body.includes('"detail-type"') || r.body.includes('"account"')) return r;
          try {
            const body = JSON.parse(r.body) as Record<string, unknown>;
            if (typeof body['detail-type'] !== 'string' || 'account' in body) return r;
            return { ...r, body: JSON.stringify({ ...body, account }) };
          } catch {
            return r;
          }
        }),
      },
      context,
    );
}

/**
 * The pipeline on moto: resources from the catalogue, each stage's real
 * handler behind a poller that behaves like the SQS event source mapping,
 * and a loopback webhook receiver standing in for the on-call channel.
 * Expects AWS_ENDPOINT_URL to point at moto (see local/moto.ts).
 */
export class LocalRuntime {
  readonly pollers = {} as Record<StageId, QueuePoller>;
  private readonly seenEvents = new Map<string, number>();
  private readonly seenFindings = new Set<string>();
  /** The acknowledgement API (signed links, Slack actions, PagerDuty webhooks) on loopback. */
  ackApi!: LocalAckApi;

  private constructor(
    readonly clients: LocalClients,
    readonly resources: LocalResources,
    readonly sink: WebhookSink,
    readonly rulesDigest: string,
    readonly api: LocalHttpApi,
  ) {}

  static async start(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
    if (!process.env.AWS_ENDPOINT_URL) throw new Error('AWS_ENDPOINT_URL must point at moto: the local runtime never calls real AWS');
    // Servers started before a failure are stopped again: a half-started runtime must not keep a process (or jest) alive.
    const started: { stop(): Promise<unknown> }[] = [];
    try {
      return await LocalRuntime.build(options, started);
    } catch (e) {
      await Promise.allSettled(started.map((x) => x.stop()));
      throw e;
    }
  }

  private static async build(options: LocalRuntimeOptions, started: { stop(): Promise<unknown> }[]): Promise<LocalRuntime> {
    const clients = localClients();
    const resources = options.resources ?? (await provision(clients, options.prefix ?? 'mdr-local', { providerBusArn: options.provider?.busArn }));
    const providerAccount = options.provider?.accountId ?? LOCAL_PROVIDER_ACCOUNT;
    const sink = new WebhookSink(() => [resources.webhookSecret]);
    const sinkUrl = await sink.start();
    started.push(sink);

    const artifact = buildRulesArtifact(readRuleFiles(options.rulePaths ?? ['rules']));
    const artifactPath = join(mkdtempSync(join(tmpdir(), 'mdr-rules-')), 'rules.json');
    writeFileSync(artifactPath, JSON.stringify(artifact));

    // The API module reads its environment when first required, at the first request.
    const api = new LocalHttpApi((event, context) => (require('../functions/case-api/index').handler as ApiHandler)(event, context));
    const apiUrl = await api.start();
    started.push(api);
    // A restart over earlier resources finds the ack secrets taken: it signs links with new ones.
    const ackApi = await LocalAckApi.start(clients.secrets, options.resources ? `${resources.prefix}/restart-${Date.now().toString(36)}` : resources.prefix);
    started.push(ackApi);

    const channels: ChannelsConfig = { webhook: { kind: 'webhook', url: sinkUrl, timeoutMs: 5000 }, ...options.extraChannels };
    // Structured logs of the handlers: warnings and errors locally, so the run's own output stays readable.
    process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
    Object.assign(process.env, {
      [Env.tenantId]: options.tenantId ?? 'local',
      [Env.busName]: resources.busName,
      [Env.detectQueueUrl]: resources.queueUrls.detect,
      [Env.notifyQueueUrl]: resources.queueUrls.notify,
      [Env.escalateQueueUrl]: resources.queueUrls.escalate,
      [Env.quarantineQueueUrl]: resources.quarantineQueueUrl,
      // normalize continues large S3 objects there; logs-ingest forwards CloudWatch Logs payloads there.
      [Env.normalizeQueueUrl]: resources.queueUrls.normalize,
      [Env.tableName]: resources.tableName,
      [Env.rulesArtifact]: artifactPath,
      [Env.escalationPolicy]: JSON.stringify(options.escalation ?? DEFAULT_ESCALATION),
      [Env.channels]: JSON.stringify(channels),
      [Env.webhookSecretId]: resources.webhookSecretId,
      [Env.caseLinkBase]: `${apiUrl}/cases`,
      [Env.reopenWindowHours]: '72',
      // moto's default account stands in for the provider's: locally both sides share one account.
      [Env.providerAccountId]: providerAccount,
      [Env.ackApiUrl]: ackApi.url,
      // Notifications link to the case page on the local API, with view links signed with the local link secret.
      [Env.caseApiUrl]: apiUrl,
      [Env.evidenceBucket]: resources.dataBucket,
      [Env.investigation]: JSON.stringify(options.investigation ?? localInvestigation()),
      [Env.responseConfig]: JSON.stringify(options.response ?? LOCAL_RESPONSE),
      [Env.resourcePrefix]: resources.prefix,
    });

    const runtime = new LocalRuntime(clients, resources, sink, artifact.digest, api);
    runtime.ackApi = ackApi;
    for (const stage of STAGE_IDS) {
      const real = ENTRY_POINTS[stage]();
      const observed = runtime.observe(stage, withEnvelopeAccount(real, providerAccount));
      const handler = options.wrapHandler ? options.wrapHandler(stage, observed) : observed;
      const arn = `arn:aws:sqs:${process.env.AWS_REGION ?? 'us-east-1'}:000000000000:${resources.prefix}-${stage}`;
      runtime.pollers[stage] = new QueuePoller({
        sqs: clients.sqs,
        queueUrl: resources.queueUrls[stage],
        queueArn: arn,
        spec: STAGES[stage],
        handler,
        retryDelaySeconds: options.retryDelaySeconds ?? 1,
      });
    }
    return runtime;
  }

  /** Counts what flows through, for the summary; the handler itself is untouched. */
  private observe(stage: StageId, handler: StageHandler): StageHandler {
    return async (event, context) => {
      const res = await handler(event, context);
      const failed = new Set((res?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      for (const r of event.Records) {
        if (failed.has(r.messageId)) continue;
        try {
          const body = JSON.parse(r.body) as TelemetryBatch & { detail?: { findingId?: string } };
          if (stage === 'detect' && Array.isArray(body.events)) this.seenEvents.set(r.messageId, body.events.length);
          if (stage === 'cases' && body.detail?.findingId) this.seenFindings.add(body.detail.findingId);
        } catch {
          // quarantined by the stage itself
        }
      }
      return res;
    };
  }

  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping = false;

  /**
   * Sweeps due escalation timers through the sweeper's real handler (AWS runs
   * it every minute on a schedule; moto's Scheduler never fires).
   */
  async sweep(): Promise<number> {
    const sweeper = require('../functions/sweeper/index').handler as (e: unknown, c: unknown) => Promise<{ swept: number }>;
    return (await sweeper({}, {})).swept;
  }

  startPolling(sweepEveryMs = 1000): void {
    for (const p of Object.values(this.pollers)) p.start();
    this.sweeping = true;
    const tick = () => {
      if (!this.sweeping) return;
      this.sweepTimer = setTimeout(() => void this.sweep().catch(() => undefined).finally(tick), sweepEveryMs);
    };
    tick();
  }

  /** A signed, single-use ack link for a notification, issued with the local link secret. */
  ackLink(caseId: string, notificationId: string, options: { expiresAt?: Date; target?: string } = {}): string {
    return this.ackApi.link(caseId, notificationId, options);
  }

  /** A signed case page link for a viewer (a policy target id), issued with the local link secret as notify does. */
  caseViewLink(caseId: string, viewer: string, options: { expiresAt?: Date } = {}): string {
    const token = issueViewToken({ caseId, viewer, expiresAt: options.expiresAt ?? new Date(Date.now() + DEFAULT_VIEW_LINK_TTL_MS) }, this.ackApi.secrets.link);
    return caseViewUrl(this.api.url, caseId, token);
  }

  /** Puts events on the default bus, as AWS services do; EventBridge rules route them on. */
  async putEvents(entries: PutEventsRequestEntry[]): Promise<void> {
    for (let i = 0; i < entries.length; i += 10) {
      const res = await this.clients.eventBridge.send(new PutEventsCommand({ Entries: entries.slice(i, i + 10) }));
      if (res.FailedEntryCount) throw new Error(`PutEvents refused ${res.FailedEntryCount} entries`);
    }
  }

  /** Puts events on a named bus (the MDR bus, for provider commands). */
  async putEventsOn(busName: string, entries: PutEventsRequestEntry[]): Promise<void> {
    await this.putEvents(entries.map((e) => ({ ...e, EventBusName: busName })));
  }

  /**
   * Delivers a CloudWatch Logs subscription payload as CloudWatch Logs does:
   * the logs-ingest function's real handler invoked with
   * `{"awslogs":{"data":"<base64 gzip of the payload JSON>"}}`. A string is
   * used as `data` unchanged (to deliver malformed data).
   */
  async deliverLogs(payload: object | string): Promise<void> {
    const data = typeof payload === 'string' ? payload : gzipSync(JSON.stringify(payload)).toString('base64');
    const ingest = require('../functions/logs-ingest/index').handler as (e: unknown, c: unknown) => Promise<unknown>;
    await ingest({ awslogs: { data } }, {});
  }

  /** Sends one raw body straight to a stage's queue (the SQS-direct ingest path). */
  async sendRaw(stage: StageId, body: string): Promise<void> {
    await this.clients.sqs.send(new SendMessageCommand({ QueueUrl: this.resources.queueUrls[stage], MessageBody: body }));
  }

  async queueDepth(url: string): Promise<number> {
    const res = await this.clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    return Number(res.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(res.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
  }

  /** Resolves when every stage queue is empty and no handler runs, twice in a row. */
  async waitForDrain(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let quiet = 0;
    while (Date.now() < deadline) {
      const depths = await Promise.all(STAGE_IDS.map((s) => this.queueDepth(this.resources.queueUrls[s])));
      const busy = STAGE_IDS.some((s) => this.pollers[s].busy);
      quiet = depths.every((d) => d === 0) && !busy ? quiet + 1 : 0;
      if (quiet >= 3) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`pipeline did not drain within ${timeoutMs} ms`);
  }

  async countCases(): Promise<number> {
    let count = 0;
    let start: Record<string, never> | undefined;
    do {
      const res = await this.clients.dynamo.send(
        new ScanCommand({
          TableName: this.resources.tableName,
          FilterExpression: 'sk = :case',
          ExpressionAttributeValues: { ':case': { S: 'CASE' } },
          ExclusiveStartKey: start,
        }),
      );
      count += res.Count ?? 0;
      start = res.LastEvaluatedKey as Record<string, never> | undefined;
    } while (start);
    return count;
  }

  async summary(): Promise<RunSummary> {
    const dlq = await Promise.all(STAGE_IDS.map((s) => this.queueDepth(this.resources.deadLetterQueueUrls[s])));
    return {
      events: [...this.seenEvents.values()].reduce((a, b) => a + b, 0),
      findings: this.seenFindings.size,
      cases: await this.countCases(),
      notifications: this.sink.uniqueDeliveries,
      quarantined: await this.queueDepth(this.resources.quarantineQueueUrl),
      deadLettered: dlq.reduce((a, b) => a + b, 0),
    };
  }

  async stop(): Promise<void> {
    this.sweeping = false;
    clearTimeout(this.sweepTimer);
    await Promise.all(Object.values(this.pollers).map((p) => p.stop()));
    await this.sink.stop();
    await this.api.stop();
    await this.ackApi?.stop();
  }
}
