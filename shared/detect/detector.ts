import { FINDING_SCHEMA_VERSION, type Entities, type EventRef, type Finding } from '../contracts/finding';
import { ocsfSeverityId, type Severity } from '../contracts/severity';
import { stableId } from '../hash';
import { OCSF_VERSION } from '../ocsf/types';
import type { TelemetryEvent } from '../telemetry';
import { entitiesOf, mergeEntities } from './entities';
import { evidenceOf } from './evidence';
import type { Observable } from '../contracts/investigation';
import { mergeObservables, observablesOf } from '../investigation/observables';
// Modules, not the sigma index: the index reaches the YAML reader, which detect must not bundle.
import type { CorrelationEngine, CorrelationMatch } from './sigma/correlation';
import { EventContext } from './sigma/fields';
import type { RuleSet } from './sigma/ruleset';
import type { SuppressionSet } from './suppressions';
import type { SigmaRuleMeta } from './sigma/types';

export interface DetectContext {
  tenantId: string;
  now: Date;
}

/** A finding and the telemetry events that produced it (for mapping failures back to input). */
export interface Detection {
  finding: Finding;
  events: TelemetryEvent[];
}

function ref(e: TelemetryEvent): EventRef {
  return { uid: e.uid, source: e.source, time: new Date(e.time).toISOString() };
}

/** Same tenant, rule and events always give the same id: redelivery cannot double an alert. */
export function findingIdOf(tenantId: string, ruleId: string, events: readonly Pick<TelemetryEvent, 'uid'>[]): string {
  // One event (nearly every finding) without the array of uids: the same parts.
  return events.length === 1 ? stableId(tenantId, ruleId, events[0].uid) : stableId(tenantId, ruleId, ...events.map((e) => e.uid));
}

function findingOf(rule: SigmaRuleMeta, events: readonly TelemetryEvent[], entities: Entities, ctx: DetectContext): Finding {
  const findingId = findingIdOf(ctx.tenantId, rule.id, events);
  const first = Math.min(...events.map((e) => e.time));
  const level: Severity = rule.level;
  return {
    schemaVersion: FINDING_SCHEMA_VERSION,
    findingId,
    tenantId: ctx.tenantId,
    rule: {
      id: rule.id,
      title: rule.title,
      level,
      tags: rule.tags,
      version: rule.version,
      ...(rule.description ? { description: rule.description } : {}),
      ...(rule.falsepositives.length ? { falsepositives: rule.falsepositives } : {}),
      ...(rule.references.length ? { references: rule.references } : {}),
    },
    severity: level,
    eventTime: new Date(first).toISOString(),
    detectedAt: ctx.now.toISOString(),
    events: events.map(ref),
    entities,
    observables: events.reduce<Observable[]>((acc, e) => mergeObservables(acc, observablesOf(e)), []),
    evidence: evidenceOf(events),
    ocsf: {
      class_uid: 2004,
      category_uid: 2,
      activity_id: 1,
      type_uid: 200401,
      severity_id: ocsfSeverityId(level),
      time: first,
      finding_info: {
        uid: findingId,
        title: rule.title,
        analytic: { uid: rule.id, name: rule.title, type_id: 1, version: rule.version },
      },
      metadata: { version: OCSF_VERSION, product: { name: 'serverless-mdr', vendor_name: 'serverless-mdr' } },
    },
  };
}

export function buildFinding(rule: SigmaRuleMeta, event: TelemetryEvent, ctx: DetectContext): Finding {
  return findingOf(rule, [event], entitiesOf(event.ocsf), ctx);
}

/** A correlation finding joins the events of its window; its entities are theirs, merged. */
export function buildCorrelationFinding(match: CorrelationMatch, ctx: DetectContext): Detection {
  const events = (match.events as TelemetryEvent[]).filter((e) => e && typeof e === 'object' && 'uid' in e);
  const entities = events.reduce((acc, e) => mergeEntities(acc, entitiesOf(e.ocsf)), { users: [], hosts: [], ips: [], accounts: [], resources: [] } as Entities);
  return { finding: findingOf(match.correlation, events, entities, ctx), events };
}

export interface DetectOptions {
  /** Present when the rule set has correlation rules: their windows live in its store. */
  correlations?: CorrelationEngine;
  /** Per-customer allow lists, applied before a finding is produced. */
  suppressions?: SuppressionSet;
}

export interface BatchResult {
  detections: Detection[];
  /** Rule matches silenced, per suppression id (counts only: no per-event log). */
  suppressed: Record<string, number>;
}

/**
 * Evaluates a batch of events against the rule set: vendor rules on each
 * event's raw record, OCSF rules on its OCSF form. Stateless for plain rules;
 * correlation rules keep their windows in the engine's store (memory offline,
 * DynamoDB in Lambda), touched only by events that matched a rule. A match a
 * suppression covers produces no finding and feeds no correlation. The
 * caller publishes the findings once per batch.
 */
export async function detectEvents(events: readonly TelemetryEvent[], rules: RuleSet, ctx: DetectContext, options: DetectOptions = {}): Promise<BatchResult> {
  const out: Detection[] = [];
  const suppressed: Record<string, number> = {};
  const seen = new Set<string>();
  const push = (d: Detection) => {
    if (seen.has(d.finding.findingId)) return;
    seen.add(d.finding.findingId);
    out.push(d);
  };
  const correlations = options.correlations && rules.correlations.length > 0 ? options.correlations : undefined;
  const suppressions = options.suppressions && options.suppressions.size > 0 ? options.suppressions : undefined;
  for (const event of events) {
    let rawCtx: EventContext | undefined;
    let ocsfCtx: EventContext | undefined;
    for (const rule of rules.evaluateEvent(event)) {
      const fields = rule.target === 'ocsf' ? (event.ocsf as unknown as Record<string, unknown>) : event.raw;
      if (suppressions) {
        const ectx = rule.target === 'ocsf' ? (ocsfCtx ??= new EventContext(fields)) : (rawCtx ??= rules.context(event.logsource, event.raw));
        const s = suppressions.suppressing(rule, ectx, ctx.now);
        if (s) {
          suppressed[s.id] = (suppressed[s.id] ?? 0) + 1;
          continue;
        }
      }
      // Rules that exist only to feed a correlation (`generate: false`) do not alert on their own.
      if (!rule.correlationOnly) push({ finding: buildFinding(rule, event, ctx), events: [event] });
      if (correlations) {
        for (const m of await correlations.observe(rule, fields, event.time, event)) push(buildCorrelationFinding(m, ctx));
      }
    }
  }
  return { detections: out, suppressed };
}

/** detectEvents without suppressions, returning only the detections. */
export async function detectBatch(
  events: readonly TelemetryEvent[],
  rules: RuleSet,
  ctx: DetectContext,
  correlations?: CorrelationEngine,
): Promise<Detection[]> {
  return (await detectEvents(events, rules, ctx, { correlations })).detections;
}
