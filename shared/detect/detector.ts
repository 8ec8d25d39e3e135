import { FINDING_SCHEMA_VERSION, type Entities, type EventRef, type Finding } from '../contracts/finding';
import { ocsfSeverityId, type Severity } from '../contracts/severity';
import { stableId } from '../hash';
import { OCSF_VERSION } from '../ocsf/types';
import type { TelemetryEvent } from '../telemetry';
import { entitiesOf, mergeEntities } from './entities';
import type { CorrelationEngine, CorrelationMatch, RuleSet } from './sigma';
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

function findingOf(rule: SigmaRuleMeta, events: readonly TelemetryEvent[], entities: Entities, ctx: DetectContext): Finding {
  // Same tenant, rule and events always give the same id: redelivery cannot double an alert.
  const findingId = stableId(ctx.tenantId, rule.id, ...events.map((e) => e.uid));
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
    },
    severity: level,
    eventTime: new Date(first).toISOString(),
    detectedAt: ctx.now.toISOString(),
    events: events.map(ref),
    entities,
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

/**
 * Evaluates a batch of events against the rule set. Stateless for plain
 * rules; correlation rules keep their windows in the engine's store (memory
 * offline, DynamoDB in Lambda), touched only by events that matched a rule.
 * The caller publishes the findings once per batch.
 */
export async function detectBatch(
  events: readonly TelemetryEvent[],
  rules: RuleSet,
  ctx: DetectContext,
  correlations?: CorrelationEngine,
): Promise<Detection[]> {
  const out: Detection[] = [];
  const seen = new Set<string>();
  const push = (d: Detection) => {
    if (seen.has(d.finding.findingId)) return;
    seen.add(d.finding.findingId);
    out.push(d);
  };
  const correlate = correlations && rules.correlations.length > 0;
  for (const event of events) {
    for (const rule of rules.evaluate(event.logsource, event.raw)) {
      // Rules that exist only to feed a correlation (`generate: false`) do not alert on their own.
      if (!rule.correlationOnly) push({ finding: buildFinding(rule, event, ctx), events: [event] });
      if (correlate) {
        for (const m of await correlations.observe(rule, event.raw, event.time, event)) push(buildCorrelationFinding(m, ctx));
      }
    }
  }
  return out;
}
