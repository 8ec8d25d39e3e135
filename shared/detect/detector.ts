import { FINDING_SCHEMA_VERSION, type Finding } from '../contracts/finding';
import { ocsfSeverityId } from '../contracts/severity';
import { stableId } from '../hash';
import { OCSF_VERSION } from '../ocsf/types';
import type { TelemetryEvent } from '../telemetry';
import { entitiesOf } from './entities';
import type { RuleSet } from './sigma';
import type { CompiledRule } from './sigma/types';

export interface DetectContext {
  tenantId: string;
  now: Date;
}

/** A finding and the telemetry event that produced it (for mapping failures back to input). */
export interface Detection {
  finding: Finding;
  event: TelemetryEvent;
}

export function buildFinding(rule: CompiledRule, event: TelemetryEvent, ctx: DetectContext): Finding {
  // Same tenant, rule and event always give the same id: redelivery cannot double an alert.
  const findingId = stableId(ctx.tenantId, rule.id, event.uid);
  const eventTime = new Date(event.time).toISOString();
  return {
    schemaVersion: FINDING_SCHEMA_VERSION,
    findingId,
    tenantId: ctx.tenantId,
    rule: {
      id: rule.id,
      title: rule.title,
      level: rule.level,
      tags: rule.tags,
      version: rule.version,
      ...(rule.description ? { description: rule.description } : {}),
    },
    severity: rule.level,
    eventTime,
    detectedAt: ctx.now.toISOString(),
    events: [{ uid: event.uid, source: event.source, time: eventTime }],
    entities: entitiesOf(event.ocsf),
    ocsf: {
      class_uid: 2004,
      category_uid: 2,
      activity_id: 1,
      type_uid: 200401,
      severity_id: ocsfSeverityId(rule.level),
      time: event.time,
      finding_info: {
        uid: findingId,
        title: rule.title,
        analytic: { uid: rule.id, name: rule.title, type_id: 1, version: rule.version },
      },
      metadata: { version: OCSF_VERSION, product: { name: 'serverless-mdr', vendor_name: 'serverless-mdr' } },
    },
  };
}

/**
 * Evaluates a batch of events against the rule set. Pure and stateless: the
 * caller publishes the findings once per batch.
 */
export function detectBatch(events: readonly TelemetryEvent[], rules: RuleSet, ctx: DetectContext): Detection[] {
  const out: Detection[] = [];
  const seen = new Set<string>();
  for (const event of events) {
    for (const rule of rules.evaluate(event.logsource, event.raw)) {
      const finding = buildFinding(rule, event, ctx);
      if (seen.has(finding.findingId)) continue;
      seen.add(finding.findingId);
      out.push({ finding, event });
    }
  }
  return out;
}
