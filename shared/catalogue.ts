/**
 * The resource catalogue: the one description of queues, buses, routes, the
 * table and each stage's settings. The CDK stacks and the local runtime both
 * build from it, so what runs on moto is what deploys.
 *
 * Pure data and pure functions: no AWS or CDK imports.
 */

export type StageId = 'normalize' | 'detect' | 'cases' | 'enrich' | 'escalate' | 'notify' | 'commands' | 'respond';

/** EventBridge `source` values the pipeline emits. */
export const EventSources = {
  detect: 'mdr.detect',
  cases: 'mdr.cases',
  provider: 'mdr.provider',
} as const;

/** EventBridge detail-types. Case events are the contract with the provider. */
export const DetailTypes = {
  finding: 'Finding',
  caseOpened: 'CaseOpened',
  caseAlertAttached: 'CaseAlertAttached',
  caseUpdated: 'CaseUpdated',
  caseEscalated: 'CaseEscalated',
  caseAcknowledged: 'CaseAcknowledged',
  caseResolved: 'CaseResolved',
  caseReopened: 'CaseReopened',
  caseMerged: 'CaseMerged',
  caseClosed: 'CaseClosed',
  escalationExhausted: 'EscalationExhausted',
  notificationFailed: 'NotificationFailed',
  responseActionRequested: 'ResponseActionRequested',
  responseActionApproved: 'ResponseActionApproved',
  responseActionRefused: 'ResponseActionRefused',
  responseActionRejected: 'ResponseActionRejected',
  responseActionCompleted: 'ResponseActionCompleted',
} as const;

/** Commands the MDR provider sends to a customer's bus (source `mdr.provider`). */
export const ProviderCommandTypes = {
  acknowledge: 'AcknowledgeCase',
  resolve: 'ResolveCase',
  note: 'AddNote',
  assign: 'AssignCase',
  requestAction: 'RequestResponseAction',
} as const;

export const PROVIDER_COMMAND_TYPES: readonly string[] = Object.values(ProviderCommandTypes);

export const CASE_EVENT_TYPES: readonly string[] = [
  DetailTypes.caseOpened,
  DetailTypes.caseAlertAttached,
  DetailTypes.caseUpdated,
  DetailTypes.caseEscalated,
  DetailTypes.caseAcknowledged,
  DetailTypes.caseResolved,
  DetailTypes.caseReopened,
  DetailTypes.caseMerged,
  DetailTypes.caseClosed,
  DetailTypes.escalationExhausted,
  DetailTypes.notificationFailed,
  // Response actions are the provider's business too: it asks for some and must see all.
  DetailTypes.responseActionRequested,
  DetailTypes.responseActionApproved,
  DetailTypes.responseActionRefused,
  DetailTypes.responseActionRejected,
  DetailTypes.responseActionCompleted,
];

/** AWS service events on the default bus a deployment can take in (config `eventSources`; all by default). */
export const AWS_EVENT_SOURCES = ['cloudtrail', 'guardduty', 'securityhub'] as const;
export type AwsEventSource = (typeof AWS_EVENT_SOURCES)[number];

/**
 * What a telemetry forwarder puts on the ingest bus: detail-type `Telemetry`,
 * its own `source`, and one vendor record (an Okta event, a Falcon detection,
 * any JSON a declarative mapping knows) as `detail`.
 */
export const FORWARDED_DETAIL_TYPE = 'Telemetry';

/** The CloudTrail detail-types AWS puts on the default bus. */
export const CLOUDTRAIL_DETAIL_TYPES = ['AWS API Call via CloudTrail', 'AWS Console Sign In via CloudTrail'] as const;

/** How a stage's function is fed and sized: the Lambda event source mapping settings. */
export interface StageSpec {
  readonly id: StageId;
  readonly description: string;
  /** Function code entry, relative to the repository root. */
  readonly entry: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly batchSize: number;
  /** Batching window; Lambda requires one for batch sizes above 10. */
  readonly maxBatchingWindowSeconds: number;
  /** Deliveries before a message moves to the stage's dead-letter queue. */
  readonly maxReceiveCount: number;
  /**
   * Packages left to the Lambda runtime's copy of the AWS SDK instead of
   * bundled: only a client too large for the bundle budget that few
   * invocations need, required where first used (decision 0009).
   */
  readonly runtimeModules?: readonly string[];
}

/**
 * Telemetry stages take large batches (throughput per invocation is the
 * lever at scale); stateful stages take small ones so one bad case does not
 * hold up many.
 */
export const STAGES: Readonly<Record<StageId, StageSpec>> = {
  normalize: {
    id: 'normalize',
    description: 'Maps source records to OCSF telemetry events',
    entry: 'functions/normalize/index.ts',
    timeoutSeconds: 60,
    memoryMb: 1024,
    batchSize: 100,
    maxBatchingWindowSeconds: 1,
    maxReceiveCount: 3,
  },
  detect: {
    id: 'detect',
    description: 'Evaluates Sigma rules over telemetry events and publishes findings',
    entry: 'functions/detect/index.ts',
    timeoutSeconds: 60,
    memoryMb: 1024,
    batchSize: 100,
    maxBatchingWindowSeconds: 1,
    maxReceiveCount: 3,
  },
  cases: {
    id: 'cases',
    description: 'Groups findings into cases',
    entry: 'functions/cases/index.ts',
    timeoutSeconds: 30,
    memoryMb: 512,
    batchSize: 10,
    maxBatchingWindowSeconds: 0,
    maxReceiveCount: 5,
  },
  enrich: {
    id: 'enrich',
    description: "Adds the customer's context (assets, owners, VIPs, ranges, threat intel, geolocation) to cases",
    entry: 'functions/enrich/index.ts',
    timeoutSeconds: 30,
    // Room for the offline geolocation tables (about 11 MB loaded) beside the context data.
    memoryMb: 512,
    batchSize: 10,
    maxBatchingWindowSeconds: 0,
    maxReceiveCount: 5,
  },
  escalate: {
    id: 'escalate',
    description: 'Chooses who to notify for a case event',
    entry: 'functions/escalate/index.ts',
    timeoutSeconds: 30,
    memoryMb: 512,
    batchSize: 10,
    maxBatchingWindowSeconds: 0,
    maxReceiveCount: 5,
  },
  notify: {
    id: 'notify',
    description: 'Delivers notifications to channels',
    entry: 'functions/notify/index.ts',
    timeoutSeconds: 30,
    memoryMb: 256,
    batchSize: 5,
    maxBatchingWindowSeconds: 0,
    maxReceiveCount: 8,
  },
  commands: {
    id: 'commands',
    description: 'Applies provider commands (acknowledge, resolve, note, assign, response requests) to cases',
    entry: 'functions/commands/index.ts',
    timeoutSeconds: 30,
    memoryMb: 512,
    batchSize: 10,
    maxBatchingWindowSeconds: 0,
    maxReceiveCount: 5,
  },
  respond: {
    id: 'respond',
    description: 'Runs approved response actions (IAM, EC2, WAF) in the customer account',
    entry: 'functions/respond/index.ts',
    // An instance quarantine snapshots every volume: allow for slow AWS calls; the execution lease is shorter.
    timeoutSeconds: 60,
    memoryMb: 512,
    batchSize: 5,
    maxBatchingWindowSeconds: 0,
    maxReceiveCount: 5,
    // 560 KB of client for one action in five, loaded on the first quarantine.
    runtimeModules: ['@aws-sdk/client-ec2'],
  },
};

export const STAGE_IDS = Object.keys(STAGES) as StageId[];

/** A function that is not fed by a queue: its code entry and sizing. */
export interface FunctionSpec {
  readonly id: string;
  readonly description: string;
  /** Function code entry, relative to the repository root. */
  readonly entry: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /**
   * Packages left to the Lambda runtime's copy of the AWS SDK instead of
   * bundled: only a client too large for the bundle budget that few
   * invocations need, required where first used (decision 0009).
   */
  readonly runtimeModules?: readonly string[];
}

/** The case API function behind the HTTP API (IAM-authorised; API Gateway waits at most 30 s). */
export const CASE_API: FunctionSpec = {
  id: 'case-api',
  description: 'Case API: list, get, lifecycle actions and metrics, attributed to the IAM caller',
  entry: 'functions/case-api/index.ts',
  timeoutSeconds: 15,
  memoryMb: 512,
};

/** Routes of the case API (HTTP API route keys); every one is IAM-authorised. */
export const CASE_API_ROUTES: readonly { readonly method: 'GET' | 'POST'; readonly path: string }[] = [
  { method: 'GET', path: '/cases' },
  { method: 'GET', path: '/cases/{id}' },
  { method: 'POST', path: '/cases/{id}/{action}' },
  { method: 'GET', path: '/cases/{id}/actions' },
  { method: 'POST', path: '/cases/{id}/actions' },
  { method: 'POST', path: '/cases/{id}/actions/{requestId}/{verb}' },
  { method: 'GET', path: '/metrics' },
];

/**
 * The case page on the same API, without IAM: a phone browser cannot
 * SigV4-sign, so the function checks the signed view token of each request
 * (docs/case-page.md). The proxy route keeps the raw path for the function.
 */
export const CASE_PAGE_ROUTES: readonly { readonly method: 'GET' | 'POST'; readonly path: string }[] = [
  { method: 'GET', path: '/view/{caseId}' },
  { method: 'POST', path: '/view/{proxy+}' },
];

/** The public ack API: authenticated by the requests' own signatures (link HMAC, Slack v0, PagerDuty v3). */
export const ACK_API: FunctionSpec = {
  id: 'ack-api',
  description: 'Acknowledgement from signed links, Slack buttons and PagerDuty webhooks',
  entry: 'functions/ack-api/index.ts',
  timeoutSeconds: 10,
  memoryMb: 256,
};

export const ACK_API_ROUTES: readonly { readonly method: 'GET' | 'POST'; readonly path: string }[] = [
  { method: 'GET', path: '/ack/{token}' },
  { method: 'POST', path: '/ack/{token}' },
  { method: 'POST', path: '/slack/actions' },
  { method: 'POST', path: '/pagerduty/webhook' },
];

/**
 * The CloudWatch Logs subscription destination (subscription filters cannot
 * target SQS): forwards each payload, still compressed, as one message to
 * the normalize queue. Invoked asynchronously by CloudWatch Logs.
 */
export const LOGS_INGEST: FunctionSpec = {
  id: 'logs-ingest',
  description: 'Forwards CloudWatch Logs subscription payloads to the normalize queue',
  entry: 'functions/logs-ingest/index.ts',
  timeoutSeconds: 30,
  memoryMb: 256,
};

/** AWS requires the queue's visibility timeout to cover retries; 6x the function timeout as AWS advises. */
export function visibilityTimeoutSeconds(stage: StageSpec): number {
  return stage.timeoutSeconds * 6;
}

/** How often due escalation timers are swept (an EventBridge schedule in AWS). */
export const SWEEP_SCHEDULE = 'rate(1 minute)';
export const SWEEPER_ENTRY = 'functions/sweeper/index.ts';

/** Messages stay 14 days (the SQS maximum) in dead-letter and quarantine queues. */
export const DLQ_RETENTION_DAYS = 14;
export const LOG_RETENTION_DAYS = 90;

/** Environment variables the functions read; validated at cold start. */
export const Env = {
  tenantId: 'MDR_TENANT_ID',
  busName: 'MDR_BUS_NAME',
  detectQueueUrl: 'MDR_DETECT_QUEUE_URL',
  notifyQueueUrl: 'MDR_NOTIFY_QUEUE_URL',
  escalateQueueUrl: 'MDR_ESCALATE_QUEUE_URL',
  /** Base URL of the public ack API; with MDR_ACK_LINK_SECRET_ID, notifications carry signed ack links. */
  ackApiUrl: 'MDR_ACK_API_URL',
  /** Base URL of the case API; with MDR_ACK_LINK_SECRET_ID, notifications link to the case page with a signed view token. */
  caseApiUrl: 'MDR_CASE_API_URL',
  quarantineQueueUrl: 'MDR_QUARANTINE_QUEUE_URL',
  /** normalize's own queue: CloudWatch Logs payloads (logs-ingest) and S3 read continuations (normalize) go there. */
  normalizeQueueUrl: 'MDR_NORMALIZE_QUEUE_URL',
  /** JSON map of CloudWatch Logs log group name → format hints (`{"vpcFlowFields":[…]}`), read by normalize. */
  logGroupHints: 'MDR_LOG_GROUP_HINTS',
  tableName: 'MDR_CASES_TABLE',
  rulesArtifact: 'MDR_RULES_ARTIFACT',
  correlationWindowMinutes: 'MDR_CORRELATION_WINDOW_MINUTES',
  maxAlertsPerCase: 'MDR_MAX_ALERTS_PER_CASE',
  escalationPolicy: 'MDR_ESCALATION_POLICY',
  channels: 'MDR_CHANNELS',
  webhookSecretId: 'MDR_WEBHOOK_SECRET_ID',
  caseLinkBase: 'MDR_CASE_LINK_BASE',
  reopenWindowHours: 'MDR_REOPEN_WINDOW_HOURS',
  providerAccountId: 'MDR_PROVIDER_ACCOUNT_ID',
  childRetentionDays: 'MDR_CHILD_RETENTION_DAYS',
  /** JSON ContextSourceConfig: the customer's context and threat-intel data, inline or `s3://` (enrich). */
  investigation: 'MDR_INVESTIGATION',
  /** JSON ResponseConfig: which response actions are enabled, for whom, with which approval. */
  responseConfig: 'MDR_RESPONSE_CONFIG',
  resourcePrefix: 'MDR_RESOURCE_PREFIX',
  /** Bucket for events too large to keep inline with their finding (detect writes, the case page links). */
  evidenceBucket: 'MDR_EVIDENCE_BUCKET',
  /** JSON map of rule id or tag → the customer's runbook steps, shown in case summaries. */
  runbooks: 'MDR_RUNBOOKS',
  /** Secrets Manager ids of the acknowledgement API's secrets (ack link signing, Slack signing, PagerDuty v3 webhook). */
  ackLinkSecretId: 'MDR_ACK_LINK_SECRET_ID',
  slackSigningSecretId: 'MDR_SLACK_SIGNING_SECRET_ID',
  /** Comma-separated Slack workspace ids whose Acknowledge clicks the ack API accepts (empty: any that signs). */
  slackTeamIds: 'MDR_SLACK_TEAM_IDS',
  pagerDutyWebhookSecretId: 'MDR_PAGERDUTY_WEBHOOK_SECRET_ID',
} as const;

/** Single-table key schema of the cases table. */
export const CaseTableKeys = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  /** Cases of a tenant by creation time: `gsi1pk = TENANT#<id>`, `gsi1sk = <createdAt>#<caseId>`. */
  casesByTimeIndex: 'casesByTime',
  indexPartitionKey: 'gsi1pk',
  indexSortKey: 'gsi1sk',
  /** Partition of the escalation due-time index (swept every minute; the sweeper may touch nothing else). */
  timersPartition: 'TIMERS',
} as const;

/** Physical names of one deployment's resources, derived from its prefix. */
export interface ResourceNames {
  readonly prefix: string;
  queue(stage: StageId): string;
  deadLetterQueue(stage: StageId): string;
  readonly quarantineQueue: string;
  readonly bus: string;
  /** The custom bus telemetry forwarders put events on. */
  readonly ingestBus: string;
  readonly table: string;
  readonly webhookSecret: string;
  rule(route: RouteId): string;
}

export function resourceNames(prefix: string): ResourceNames {
  if (!/^[a-z0-9][a-z0-9-]{0,30}$/.test(prefix)) {
    throw new Error(`resource prefix "${prefix}" must be 1-31 lowercase letters, digits or dashes`);
  }
  return {
    prefix,
    queue: (stage) => `${prefix}-${stage}`,
    deadLetterQueue: (stage) => `${prefix}-${stage}-dlq`,
    quarantineQueue: `${prefix}-quarantine`,
    bus: `${prefix}-bus`,
    ingestBus: `${prefix}-ingest`,
    table: `${prefix}-cases`,
    webhookSecret: `${prefix}/webhook-signing`,
    rule: (route) => `${prefix}-${route}`,
  };
}

/** Name of the provider's receiving bus (provider stack). */
export function providerBusName(prefix = 'mdr-provider'): string {
  return `${prefix}-bus`;
}

export type RouteId =
  | 'cloudtrail-to-normalize'
  | 's3-objects-to-normalize'
  | 'guardduty-to-normalize'
  | 'forwarded-to-normalize'
  | 'securityhub-to-normalize'
  | 'findings-to-cases'
  | 'case-events-to-escalate'
  | 'case-events-to-provider'
  | 'provider-commands'
  | 'case-events-to-enrich'
  | 'response-to-respond';

export type EventPattern = Record<string, unknown>;

/** An EventBridge rule: on which bus, what it matches, where it delivers. */
export interface RouteSpec {
  readonly id: RouteId;
  readonly description: string;
  readonly bus: 'default' | 'mdr' | 'ingest';
  readonly pattern: EventPattern;
  /** `detail`: the target receives the event's `detail` only (the vendor record), not the envelope. */
  readonly deliver?: 'detail';
  readonly target: { kind: 'stage'; stage: StageId } | { kind: 'provider-bus' };
  /**
   * `provider`: the route exists only in a deployment linked to a provider,
   * and the deployment adds `account: [<provider account>]` to the pattern
   * (the envelope account is set by EventBridge, never by the sender).
   */
  readonly sender?: 'provider';
  /**
   * `ingest-buckets`: the route exists only when the configuration names S3
   * log buckets, and the deployment adds `detail.bucket.name: [<buckets>]`.
   */
  readonly scope?: 'ingest-buckets';
  /** The route exists only when the configuration takes in this AWS service's events (`eventSources`). */
  readonly eventSource?: AwsEventSource;
}

export const ROUTES: readonly RouteSpec[] = [
  {
    id: 'cloudtrail-to-normalize',
    description: 'CloudTrail management events from the default bus into the telemetry path',
    bus: 'default',
    pattern: { 'detail-type': [...CLOUDTRAIL_DETAIL_TYPES] },
    target: { kind: 'stage', stage: 'normalize' },
    eventSource: 'cloudtrail',
  },
  {
    id: 'guardduty-to-normalize',
    description: 'GuardDuty findings from the default bus (only these: other events never cost an invocation)',
    bus: 'default',
    pattern: { source: ['aws.guardduty'], 'detail-type': ['GuardDuty Finding'] },
    target: { kind: 'stage', stage: 'normalize' },
    eventSource: 'guardduty',
  },
  {
    id: 'securityhub-to-normalize',
    description: 'Security Hub findings (ASFF) imported into the account, from the default bus',
    bus: 'default',
    pattern: { source: ['aws.securityhub'], 'detail-type': ['Security Hub Findings - Imported'] },
    target: { kind: 'stage', stage: 'normalize' },
    eventSource: 'securityhub',
  },
  {
    id: 's3-objects-to-normalize',
    description: 'Log files landing in the configured S3 buckets (EventBridge "Object Created"), streamed by normalize',
    bus: 'default',
    pattern: { source: ['aws.s3'], 'detail-type': ['Object Created'] },
    target: { kind: 'stage', stage: 'normalize' },
    scope: 'ingest-buckets',
  },
  {
    id: 'forwarded-to-normalize',
    description: "Telemetry forwarders' events from the ingest bus (detail-type Telemetry; the detail is the vendor record)",
    bus: 'ingest',
    pattern: { 'detail-type': [FORWARDED_DETAIL_TYPE] },
    target: { kind: 'stage', stage: 'normalize' },
    deliver: 'detail',
  },
  {
    id: 'findings-to-cases',
    description: 'Findings from detect into case management',
    bus: 'mdr',
    pattern: { source: [EventSources.detect], 'detail-type': [DetailTypes.finding] },
    target: { kind: 'stage', stage: 'cases' },
  },
  {
    id: 'case-events-to-escalate',
    description: 'Case events that can start, stop or advance an escalation',
    bus: 'mdr',
    pattern: {
      source: [EventSources.cases],
      'detail-type': [
        DetailTypes.caseOpened,
        DetailTypes.caseAcknowledged,
        DetailTypes.caseUpdated,
        DetailTypes.caseResolved,
        DetailTypes.caseClosed,
        DetailTypes.caseMerged,
      ],
    },
    target: { kind: 'stage', stage: 'escalate' },
  },
  {
    id: 'case-events-to-enrich',
    description: 'New alerts on a case: look up what the customer knows about their users, hosts and addresses',
    bus: 'mdr',
    pattern: { source: [EventSources.cases], 'detail-type': [DetailTypes.caseOpened, DetailTypes.caseAlertAttached] },
    target: { kind: 'stage', stage: 'enrich' },
  },
  {
    id: 'response-to-respond',
    description: 'Response actions ready to run (approved, or allowed without approval)',
    bus: 'mdr',
    pattern: { source: [EventSources.cases], 'detail-type': [DetailTypes.responseActionApproved, DetailTypes.responseActionRequested] },
    target: { kind: 'stage', stage: 'respond' },
  },
  {
    id: 'provider-commands',
    description: 'Commands from the MDR provider account; deployments add `account: [provider]` to the pattern',
    bus: 'mdr',
    pattern: { source: [EventSources.provider], 'detail-type': [...PROVIDER_COMMAND_TYPES] },
    target: { kind: 'stage', stage: 'commands' },
    sender: 'provider',
  },
  {
    id: 'case-events-to-provider',
    description: 'Curated case events (never telemetry) to the MDR provider account',
    bus: 'mdr',
    pattern: { source: [EventSources.cases], 'detail-type': [...CASE_EVENT_TYPES] },
    target: { kind: 'provider-bus' },
  },
];
