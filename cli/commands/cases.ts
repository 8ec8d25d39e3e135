import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Command } from 'commander';
import { randomUUID } from 'node:crypto';

/** Header the local case API reads the caller from (see local/api-server.ts). */
const LOCAL_CALLER_HEADER = 'x-mdr-local-user';
const RESOLUTIONS = ['true_positive', 'benign_positive', 'false_positive', 'undetermined', 'duplicate'];

type Json = Record<string, unknown>;

export interface CaseApiClientOptions {
  /** Base URL of the case API (a deployed HTTP API, or the local runtime's loopback URL). */
  api: string;
  /** Region for SigV4; from the URL, AWS_REGION or AWS_DEFAULT_REGION when not given. */
  region?: string;
  /** Caller the local API attributes changes to (header x-mdr-local-user); ignored by deployed APIs. */
  localUser?: string;
}

export class CaseApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message} (HTTP ${status})`);
    this.name = 'CaseApiError';
  }
}

/** Loopback URLs are the local runtime: called plainly. Everything else is signed. */
export function isLoopback(url: URL): boolean {
  const h = url.hostname.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** `<api-id>.execute-api.<region>.amazonaws.com` carries its region. */
export function regionOf(url: URL): string | undefined {
  return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(url.hostname)?.[1];
}

/**
 * A small client of the case API: plain requests to the local runtime, and
 * SigV4-signed requests (service `execute-api`, credentials from the default
 * provider chain) to a deployed stack, whose HTTP API uses IAM authorization.
 */
export class CaseApiClient {
  private readonly base: URL;
  private signer: SignatureV4 | undefined;

  constructor(private readonly options: CaseApiClientOptions) {
    let base: URL;
    try {
      base = new URL(options.api);
    } catch {
      throw new Error(`--api "${options.api}" is not a URL`);
    }
    if (base.protocol !== 'https:' && !(base.protocol === 'http:' && isLoopback(base))) {
      throw new Error('the case API must be https (plain http only on loopback)');
    }
    this.base = base;
  }

  private signerFor(): SignatureV4 {
    if (!this.signer) {
      const region = this.options.region ?? regionOf(this.base) ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
      if (!region) throw new Error('no region: pass --region or set AWS_REGION');
      this.signer = new SignatureV4({ service: 'execute-api', region, credentials: defaultProvider(), sha256: Hash.bind(null, 'sha256') });
    }
    return this.signer;
  }

  async request(method: 'GET' | 'POST', path: string, query: Record<string, string | undefined> = {}, body?: unknown, headers: Record<string, string> = {}): Promise<Json> {
    const url = new URL(`${this.base.pathname.replace(/\/+$/, '')}${path}`, this.base);
    const q = Object.fromEntries(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
    for (const [k, v] of Object.entries(q)) url.searchParams.set(k, v);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    let sendHeaders: Record<string, string> = { accept: 'application/json', ...(payload !== undefined ? { 'content-type': 'application/json' } : {}), ...headers };
    if (isLoopback(this.base)) {
      if (this.options.localUser) sendHeaders[LOCAL_CALLER_HEADER] = this.options.localUser;
    } else {
      const signed = await this.signerFor().sign({
        method,
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port ? { port: Number(url.port) } : {}),
        path: url.pathname,
        query: q,
        headers: { ...sendHeaders, host: url.host },
        ...(payload !== undefined ? { body: payload } : {}),
      });
      // fetch sets host itself; every other signed header goes as signed.
      sendHeaders = Object.fromEntries(Object.entries(signed.headers).filter(([k]) => k.toLowerCase() !== 'host'));
    }
    const res = await fetch(url, { method, headers: sendHeaders, body: payload, signal: AbortSignal.timeout(30_000) });
    const text = await res.text();
    let parsed: Json;
    try {
      parsed = text ? (JSON.parse(text) as Json) : {};
    } catch {
      throw new CaseApiError(res.status, 'bad_response', `the API answered with non-JSON: ${text.slice(0, 200)}`);
    }
    if (!res.ok) {
      const err = (parsed.error ?? {}) as { code?: string; message?: string };
      // API Gateway's own refusals (IAM) are {"message": "..."}.
      throw new CaseApiError(res.status, err.code ?? 'http_error', err.message ?? (parsed.message as string | undefined) ?? res.statusText);
    }
    return parsed;
  }
}

interface CommonOptions {
  api?: string;
  region?: string;
  json?: boolean;
  as?: string;
}

function clientOf(opts: CommonOptions): CaseApiClient {
  const api = opts.api ?? process.env.MDR_API_URL;
  if (!api) throw new Error('no case API: pass --api URL or set MDR_API_URL');
  return new CaseApiClient({ api, region: opts.region, localUser: opts.as ?? process.env.MDR_LOCAL_USER });
}

const out = (s: string): void => {
  process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
};

function cell(v: unknown, width: number): string {
  const s = v === undefined || v === null ? '' : String(v).replace(/\s+/g, ' ');
  return s.length > width ? `${s.slice(0, width - 1)}…` : s.padEnd(width);
}

/** Readable table of cases: one line each, the title last (and cut to fit). */
export function formatCaseTable(cases: Json[]): string {
  if (!cases.length) return 'no cases\n';
  const cols: [string, number, (c: Json) => unknown][] = [
    ['CASE', 25, (c) => c.caseId],
    ['STATUS', 12, (c) => c.status],
    ['SEVERITY', 13, (c) => c.severity],
    ['ALERTS', 6, (c) => c.alertCount],
    ['CREATED', 20, (c) => String(c.createdAt ?? '').slice(0, 19).replace('T', ' ')],
    ['ASSIGNEE', 16, (c) => c.assignee ?? '-'],
  ];
  const head = `${cols.map(([h, w]) => cell(h, w)).join(' ')} TITLE`;
  const rows = cases.map((c) => `${cols.map(([, w, f]) => cell(f(c), w)).join(' ')} ${cell(c.title, 70).trimEnd()}`);
  return `${[head, ...rows].join('\n')}\n`;
}

/** A case with its times, alerts and timeline, for people. */
export function formatCaseDetail(detail: Json): string {
  const c = (detail.case ?? {}) as Json;
  const lines: string[] = [`${c.caseId}  [${String(c.severity).toUpperCase()}] ${c.title}`];
  const field = (label: string, v: unknown) => {
    if (v !== undefined && v !== null && v !== '') lines.push(`  ${`${label}:`.padEnd(16)}${Array.isArray(v) ? v.join(', ') : String(v)}`);
  };
  field('status', c.status);
  field('resolution', c.resolution);
  field('assignee', c.assignee);
  field('rule', c.ruleId);
  field('tags', c.tags);
  field('alerts', c.alertCount);
  field('detected', c.detectedAt);
  field('created', c.createdAt);
  field('acknowledged', c.acknowledgedAt && `${c.acknowledgedAt} by ${c.acknowledgedBy}`);
  field('resolved', c.resolvedAt && `${c.resolvedAt} by ${c.resolvedBy}`);
  field('closed', c.closedAt);
  field('merged into', c.mergedInto);
  field('version', c.version);
  const entities = (c.entities ?? {}) as Record<string, string[]>;
  for (const [kind, values] of Object.entries(entities)) if (values?.length) field(kind, values);
  const times = (detail.times ?? {}) as Json;
  const mins = (ms: unknown) => (typeof ms === 'number' ? `${(ms / 60_000).toFixed(1)} min` : undefined);
  field('time to ack', mins(times.timeToAcknowledgeMs));
  field('time to resolve', mins(times.timeToResolveMs));
  const timeline = ((detail.timeline ?? []) as Json[]).slice().sort((a, b) => String(a.at).localeCompare(String(b.at)));
  if (timeline.length) {
    lines.push('', 'timeline:');
    for (const t of timeline) {
      const actor = (t.actor ?? {}) as Json;
      const details = t.details && Object.keys(t.details as Json).length ? `  ${JSON.stringify(t.details)}` : '';
      lines.push(`  ${String(t.at).slice(0, 19).replace('T', ' ')}  ${cell(t.action, 18)} ${actor.id}${actor.via ? ` (${actor.via})` : ''}${details}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function withCommon(cmd: Command): Command {
  return cmd
    .option('--api <url>', 'case API base URL (default: $MDR_API_URL)')
    .option('--region <region>', 'AWS region for request signing (default: from the URL or $AWS_REGION)')
    .option('--as <user>', 'local runtime only: the caller to attribute changes to (default: $MDR_LOCAL_USER)')
    .option('--json', 'print the raw JSON answer');
}

async function act(caseId: string, verb: string, body: Json, opts: CommonOptions & { idempotencyKey?: string }): Promise<void> {
  const res = await clientOf(opts).request('POST', `/cases/${encodeURIComponent(caseId)}/${verb}`, {}, body, {
    'idempotency-key': opts.idempotencyKey ?? `cli-${randomUUID()}`,
  });
  if (opts.json) return out(JSON.stringify(res, null, 2));
  const c = (res.case ?? {}) as Json;
  const events = ((res.events ?? []) as Json[]).map((e) => e.type).join(', ');
  out(`${c.caseId}: ${c.status}${c.resolution ? ` (${c.resolution})` : ''}${c.assignee ? `, assigned to ${c.assignee}` : ''} · version ${c.version}${events ? ` · ${events}` : ''}`);
}

/** `mdr cases list|show|ack|resolve|note|assign` against the local runtime or a deployed stack. */
export function registerCases(program: Command): void {
  const cases = program.command('cases').description('work cases through the case API (local runtime or deployed stack)');

  withCommon(cases.command('list'))
    .description('list cases, newest first')
    .option('--status <status>', 'NEW, ACKNOWLEDGED, IN_PROGRESS, RESOLVED, CLOSED or MERGED')
    .option('--severity <severity>', 'informational, low, medium, high or critical')
    .option('--from <time>', 'created at or after (ISO 8601)')
    .option('--to <time>', 'created before (ISO 8601)')
    .option('--limit <n>', 'cases per page (1-100)', '25')
    .option('--next-token <token>', 'continue from a previous page')
    .option('--all', 'follow every page')
    .action(async (opts: CommonOptions & { status?: string; severity?: string; from?: string; to?: string; limit: string; nextToken?: string; all?: boolean }) => {
      const client = clientOf(opts);
      const all: Json[] = [];
      let token = opts.nextToken;
      let pages = 0;
      do {
        const page = await client.request('GET', '/cases', {
          status: opts.status?.toUpperCase(),
          severity: opts.severity?.toLowerCase(),
          from: opts.from,
          to: opts.to,
          limit: opts.limit,
          nextToken: token,
        });
        all.push(...((page.cases ?? []) as Json[]));
        token = page.nextToken as string | undefined;
        pages++;
      } while (opts.all && token && pages < 1000);
      if (opts.json) return out(JSON.stringify({ cases: all, ...(token ? { nextToken: token } : {}) }, null, 2));
      process.stdout.write(formatCaseTable(all));
      if (token) out(`more: --next-token ${token}`);
    });

  withCommon(cases.command('show'))
    .description('one case with its alerts and timeline')
    .argument('<caseId>')
    .action(async (caseId: string, opts: CommonOptions) => {
      const detail = await clientOf(opts).request('GET', `/cases/${encodeURIComponent(caseId)}`);
      if (opts.json) return out(JSON.stringify(detail, null, 2));
      process.stdout.write(formatCaseDetail(detail));
    });

  const keyOption = (cmd: Command) => cmd.option('--idempotency-key <key>', 'retry-safe key (8-128 of A-Z a-z 0-9 _ . : -); random by default');

  keyOption(withCommon(cases.command('ack')))
    .description('acknowledge a case (stops its escalation)')
    .argument('<caseId>')
    .action((caseId: string, opts: CommonOptions) => act(caseId, 'acknowledge', {}, opts));

  keyOption(withCommon(cases.command('resolve')))
    .description('resolve a case')
    .argument('<caseId>')
    .requiredOption('--resolution <resolution>', RESOLUTIONS.join(', '))
    .option('--comment <text>', 'why')
    .action((caseId: string, opts: CommonOptions & { resolution: string; comment?: string }) => {
      if (!RESOLUTIONS.includes(opts.resolution)) throw new Error(`--resolution must be one of ${RESOLUTIONS.join(', ')}`);
      return act(caseId, 'resolve', { resolution: opts.resolution, ...(opts.comment ? { comment: opts.comment } : {}) }, opts);
    });

  keyOption(withCommon(cases.command('note')))
    .description('add a note to a case')
    .argument('<caseId>')
    .argument('<text...>', 'the note (words are joined with spaces)')
    .action((caseId: string, text: string[], opts: CommonOptions) => act(caseId, 'notes', { text: text.join(' ') }, opts));

  keyOption(withCommon(cases.command('assign')))
    .description('assign a case to someone')
    .argument('<caseId>')
    .argument('<assignee>')
    .action((caseId: string, assignee: string, opts: CommonOptions) => act(caseId, 'assign', { assignee }, opts));
}
