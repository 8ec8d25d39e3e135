/**
 * A case told for the person who picks it up: what happened, who and where,
 * when, why it matters and what to do next. Built from the case, its alerts
 * (rule text, tags, observables) and the enrichment; next steps come from
 * the customer's runbook for the rule or a tag when there is one, else from
 * defaults per kind of observable. Pure and deterministic.
 */
import type { EntityContext, Observable, ObservableType, CaseSummary } from '../contracts/investigation';
import type { CaseRecord } from '../cases/model';
import { techniquesOf } from './attack';
import { mergeObservables } from './observables';

export interface SummaryAlert {
  ruleId: string;
  ruleTitle?: string;
  description?: string;
  falsepositives?: string[];
  tags: string[];
  /** ISO 8601. */
  eventTime: string;
  observables?: Observable[];
}

export interface SummaryInput {
  case: CaseRecord;
  alerts: SummaryAlert[];
  enrichment?: EntityContext[];
  /** Steps keyed by rule id or tag (`attack.t1078.004`); the rule's own entry wins over tags. */
  runbooks?: Record<string, string[]>;
}

/** Values listed per kind before "and N more", so a summary stays readable. */
const LIST_LIMIT = 5;
const MAX_STEPS = 10;

function when(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC');
}

function span(from: string, to: string): string {
  const ms = Date.parse(to) - Date.parse(from);
  if (!(ms > 0)) return '';
  const min = Math.round(ms / 60000);
  if (min < 1) return `${Math.round(ms / 1000)} s`;
  if (min < 120) return `${min} min`;
  const h = Math.round(min / 60);
  return h < 48 ? `${h} h` : `${Math.round(h / 24)} days`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Observables of the case: the alerts' own, else the correlation entities the case keeps. */
function caseObservables(c: CaseRecord, alerts: SummaryAlert[]): Observable[] {
  let all: Observable[] = [];
  for (const a of alerts) if (a.observables?.length) all = mergeObservables(all, a.observables);
  if (all.length) return all;
  const e = c.entities;
  return mergeObservables(
    [
      ...e.users.map((value) => ({ type: 'user' as const, value })),
      ...e.accounts.map((value) => ({ type: 'account' as const, value })),
      ...e.ips.map((value) => ({ type: 'ip' as const, value })),
      ...e.hosts.map((value) => ({ type: 'host' as const, value })),
    ],
    [],
  );
}

const NOUN: Record<ObservableType, string> = {
  user: 'user',
  role: 'role',
  access_key: 'access key',
  account: 'account',
  ip: 'IP',
  host: 'host',
  instance: 'instance',
  bucket: 'bucket',
  process: 'process',
};

/** `user alice (VIP; owner: payments-team)`. */
function describe(o: Observable, ctx: EntityContext | undefined): string {
  const facts: string[] = [];
  if (ctx) {
    if (ctx.labels.includes('vip')) facts.push('VIP');
    if (ctx.alias) facts.push(ctx.alias);
    if (ctx.asset) {
      const a = ctx.asset;
      const bits = [a.environment, a.criticality && `${a.criticality} criticality`].filter(Boolean).join(', ');
      facts.push(`asset ${a.name ?? a.id}${bits ? ` (${bits})` : ''}`);
    }
    if (ctx.owner) facts.push(`owner: ${ctx.owner}`);
    if (ctx.geo) facts.push(ctx.geo.country);
    for (const l of ctx.labels) if (l.startsWith('known-range:')) facts.push(`known range ${l.slice(12)}`);
    for (const h of ctx.intel ?? []) {
      const conf = h.confidence !== undefined ? `, confidence ${h.confidence}` : '';
      facts.push(`threat intel: ${h.category} (${h.list}${conf})`);
    }
    if (ctx.allowListed?.length) facts.push(`allow-listed: ${ctx.allowListed.join(', ')}`);
  }
  return `${NOUN[o.type]} ${o.value}${facts.length ? ` (${facts.join('; ')})` : ''}`;
}

function listed(types: ObservableType[], obs: Observable[], ctx: Map<string, EntityContext>): string[] {
  const out: string[] = [];
  for (const t of types) {
    const of = obs.filter((o) => o.type === t);
    for (const o of of.slice(0, LIST_LIMIT)) out.push(describe(o, ctx.get(`${o.type}\0${o.value}`)));
    if (of.length > LIST_LIMIT) out.push(`and ${plural(of.length - LIST_LIMIT, `more ${NOUN[t]}`, `more ${NOUN[t]}s`)}`);
  }
  return out;
}

function defaultSteps(obs: Observable[], ctx: Map<string, EntityContext>): string[] {
  const steps: string[] = [];
  const first = (t: ObservableType) => obs.filter((o) => o.type === t).slice(0, 3);
  const trusted = (o: Observable) => {
    const c = ctx.get(`${o.type}\0${o.value}`);
    return c?.allowListed?.length ? ` (allow-listed as ${c.allowListed.join(', ')}: confirm the activity matches that reason)` : '';
  };
  for (const o of first('access_key')) steps.push(`Review activity of access key ${o.value} and deactivate it if unexpected.${trusted(o)}`);
  for (const o of first('user')) {
    const owner = ctx.get(`user\0${o.value}`)?.owner;
    steps.push(`Confirm with ${o.value}${owner ? ` or ${owner}` : ''} that they did this; if not, reset their credentials and revoke their sessions.${trusted(o)}`);
  }
  for (const o of first('role')) steps.push(`Review who assumed role ${o.value} recently and revoke its active sessions if the use is unexpected.${trusted(o)}`);
  for (const o of first('instance')) steps.push(`Check instance ${o.value} for signs of compromise; quarantine it if confirmed.${trusted(o)}`);
  for (const o of first('host')) steps.push(`Investigate host ${o.value} (recent logons, running processes); isolate it if compromise is confirmed.${trusted(o)}`);
  for (const o of first('ip')) {
    const c = ctx.get(`ip\0${o.value}`);
    const known = c?.labels.find((l) => l.startsWith('known-range:'));
    if (known) steps.push(`IP ${o.value} is in your range ${known.slice(12)}: find who used it at that time.`);
    else if (c?.allowListed?.length) steps.push(`IP ${o.value} is allow-listed (${c.allowListed.join(', ')}): confirm the activity matches that reason.`);
    else steps.push(`Check whether IP ${o.value}${c?.geo ? ` (${c.geo.country})` : ''} is expected for this activity; block it if it is not.`);
  }
  for (const o of first('bucket')) steps.push(`Review access to bucket ${o.value} (bucket policy, public access block, recent reads) and restrict it if exposed.${trusted(o)}`);
  for (const o of first('process')) steps.push(`Examine process ${o.value.length > 120 ? `${o.value.slice(0, 119)}…` : o.value} and its parent; collect the binary and contain the host if malicious.`);
  steps.push('Resolve the case as benign or false positive if the activity is expected, and consider tuning the rule.');
  return steps;
}

export function summarizeCase(input: SummaryInput): CaseSummary {
  const c = input.case;
  const alerts = [...input.alerts].sort((a, b) => (a.eventTime < b.eventTime ? -1 : a.eventTime > b.eventTime ? 1 : 0));
  const ctx = new Map((input.enrichment ?? []).map((e) => [`${e.type}\0${e.value}`, e]));
  const obs = caseObservables(c, alerts);

  // Rules in the order they first fired, with their alert counts.
  const rules = new Map<string, { title: string; n: number; description?: string }>();
  for (const a of alerts) {
    const r = rules.get(a.ruleId);
    if (r) r.n++;
    else rules.set(a.ruleId, { title: a.ruleTitle ?? a.ruleId, n: 1, description: a.description?.trim() || undefined });
  }
  if (rules.size === 0) rules.set(c.ruleId, { title: c.title, n: c.alertCount });
  const main = rules.get(c.ruleId) ?? [...rules.values()][0];

  const duration = span(c.firstSeen, c.lastSeen);
  const period = c.firstSeen === c.lastSeen ? `at ${when(c.firstSeen)}` : `between ${when(c.firstSeen)} and ${when(c.lastSeen)}${duration ? ` (${duration})` : ''}`;
  const ruleText =
    rules.size === 1
      ? `${main.title} fired ${c.alertCount === 1 ? 'once' : `${c.alertCount} times`}`
      : `${rules.size} rules fired ${plural(c.alertCount, 'alert')}: ${[...rules.values()].map((r) => `${r.title} (${r.n})`).join(', ')}`;
  const what = `${ruleText} ${period}.`;

  const vip = obs.some((o) => ctx.get(`${o.type}\0${o.value}`)?.labels.includes('vip'));
  const intel = obs.some((o) => ctx.get(`${o.type}\0${o.value}`)?.intel?.length);
  const severity = c.severity.charAt(0).toUpperCase() + c.severity.slice(1).toLowerCase();
  const flags = [vip && 'VIP', intel && 'threat intel match'].filter(Boolean).join(', ');
  const headline = `${severity}: ${c.title}${flags ? ` [${flags}]` : ''}`;

  const who = listed(['user', 'role', 'access_key'], obs, ctx);
  const where = listed(['account', 'host', 'instance', 'ip', 'bucket', 'process'], obs, ctx);

  const whenText = [
    c.firstSeen === c.lastSeen ? `Seen ${when(c.firstSeen)}` : `First seen ${when(c.firstSeen)}, last seen ${when(c.lastSeen)}`,
    `case opened ${when(c.createdAt)}`,
    c.acknowledgedAt ? `acknowledged ${when(c.acknowledgedAt)}${c.acknowledgedBy ? ` by ${c.acknowledgedBy}` : ''}` : undefined,
    c.resolvedAt ? `resolved ${when(c.resolvedAt)}${c.resolution ? ` as ${c.resolution}` : ''}` : undefined,
  ]
    .filter(Boolean)
    .join('; ');

  const tags = [...new Set([...c.tags, ...alerts.flatMap((a) => a.tags)])];
  const falsePositives = [...new Set(alerts.flatMap((a) => a.falsepositives ?? []).map((s) => s.trim()).filter(Boolean))];
  const description = main.description ?? [...rules.values()].find((r) => r.description)?.description;

  // The customer's runbook: the case rule's entry, then other rules', then tags'; defaults only when none applies.
  const runbooks = input.runbooks ?? {};
  const keys = [c.ruleId, ...rules.keys(), ...tags];
  const fromRunbook = [...new Set(keys.flatMap((k) => runbooks[k] ?? []))];
  const nextSteps = (fromRunbook.length ? fromRunbook : defaultSteps(obs, ctx)).slice(0, MAX_STEPS);

  return {
    headline,
    what,
    who,
    where,
    when: `${whenText}.`,
    why: { ...(description ? { description } : {}), techniques: techniquesOf(tags), falsePositives },
    nextSteps,
  };
}
