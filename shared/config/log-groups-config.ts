import { ConfigError } from './customer-config';

/**
 * A CloudWatch Logs log group whose events are ingested through a
 * subscription filter (config `logGroups`).
 */
export interface LogGroupSource {
  /** Log group name, e.g. `/vpc/flow-logs` or `/aws/route53/resolver-queries`. */
  readonly name: string;
  /** Subscription filter pattern; `""` (every event) when absent. */
  readonly filterPattern: string;
  /**
   * Field list of a custom VPC Flow Log format delivered to this group
   * (its lines carry no header), parsed from the flow log's LogFormat
   * string (`${version} ${vpc-id} ${srcaddr} …`) given as `vpcFlowLogFormat`.
   */
  readonly vpcFlowFields?: readonly string[];
}

/** CloudWatch Logs: 1-512 characters of a-z, A-Z, 0-9, '_', '-', '/', '.', '#'. */
const LOG_GROUP_NAME = /^[A-Za-z0-9_\-/.#]{1,512}$/;
/** One flow log field in a LogFormat string: `${field-name}`. */
const FLOW_FIELD = /^\$\{([a-z][a-z0-9-]*)\}$/;
const FIELDS = new Set(['name', 'filterPattern', 'vpcFlowLogFormat']);
/** CloudWatch Logs' limit on a filter pattern. */
const MAX_FILTER_PATTERN = 1024;

/**
 * Parses config `logGroups`: absent → none; else a list of
 * `{ name, filterPattern?, vpcFlowLogFormat? }` with distinct names. Throws
 * ConfigError naming the field.
 */
export function parseLogGroups(input: unknown): LogGroupSource[] {
  if (input === undefined) return [];
  if (!Array.isArray(input)) throw new ConfigError('logGroups', 'must be a list of {name, filterPattern?, vpcFlowLogFormat?}');
  const seen = new Set<string>();
  return input.map((g, i) => {
    const path = `logGroups[${i}]`;
    if (typeof g !== 'object' || g === null || Array.isArray(g)) throw new ConfigError(path, 'must be an object with a name');
    const o = g as Record<string, unknown>;
    for (const k of Object.keys(o)) if (!FIELDS.has(k)) throw new ConfigError(`${path}.${k}`, 'is not a field of a log group (name, filterPattern, vpcFlowLogFormat)');
    if (typeof o.name !== 'string' || !LOG_GROUP_NAME.test(o.name)) throw new ConfigError(`${path}.name`, 'must be a log group name: 1-512 letters, digits, _ - / . #');
    if (seen.has(o.name)) throw new ConfigError(`${path}.name`, `"${o.name}" is listed twice`);
    seen.add(o.name);
    if (o.filterPattern !== undefined && (typeof o.filterPattern !== 'string' || o.filterPattern.length > MAX_FILTER_PATTERN)) {
      throw new ConfigError(`${path}.filterPattern`, `must be a string of at most ${MAX_FILTER_PATTERN} characters (CloudWatch Logs filter pattern syntax; "" matches every event)`);
    }
    let vpcFlowFields: string[] | undefined;
    if (o.vpcFlowLogFormat !== undefined) {
      if (typeof o.vpcFlowLogFormat !== 'string') throw new ConfigError(`${path}.vpcFlowLogFormat`, 'must be the flow log\'s LogFormat string, e.g. "${version} ${srcaddr} ${dstaddr}"');
      const tokens = o.vpcFlowLogFormat.trim().split(/\s+/);
      vpcFlowFields = tokens.map((t) => {
        const m = FLOW_FIELD.exec(t);
        if (!m) throw new ConfigError(`${path}.vpcFlowLogFormat`, `"${t}" is not a \${field} of a flow log format`);
        return m[1];
      });
      if (vpcFlowFields.length < 2) throw new ConfigError(`${path}.vpcFlowLogFormat`, 'must name at least two fields');
    }
    return { name: o.name, filterPattern: (o.filterPattern as string | undefined) ?? '', ...(vpcFlowFields ? { vpcFlowFields } : {}) };
  });
}

/** The normalize function's `MDR_LOG_GROUP_HINTS`: only the groups that have a hint; undefined when none does. */
export function logGroupHints(groups: readonly LogGroupSource[]): Record<string, { vpcFlowFields: readonly string[] }> | undefined {
  const hints = Object.fromEntries(groups.filter((g) => g.vpcFlowFields).map((g) => [g.name, { vpcFlowFields: g.vpcFlowFields as readonly string[] }]));
  return Object.keys(hints).length ? hints : undefined;
}
