import type { Command } from 'commander';
import { buildCorrelationFinding, findingIdOf } from '../../shared/detect/detector';
import { entitiesJson, entitiesOf } from '../../shared/detect/entities';
import { jsonString } from '../../shared/json-text';
import { readRuleFiles } from '../../shared/detect/rule-files';
import { compileRules, CorrelationEngine, EventContext, type CompiledRule, type CorrelationMatch, type RuleSet } from '../../shared/detect/sigma';
import { SuppressionSet, parseSuppressions } from '../../shared/detect/suppressions';
import { parse as parseYaml } from 'yaml';
import { readFileSync } from 'node:fs';
import type { TelemetryEvent } from '../../shared/telemetry';
import { unwrapTextInto } from '../../shared/normalize/envelopes';
import { failureReason, normalizeRecord, routeRecord } from '../../shared/normalize/registry';
import { DeferredMappingError } from '../../shared/normalize/source';
import { listFiles, readText } from '../input';

const collect = (v: string, prev: string[]) => [...prev, v];

export interface DetectOptions {
  rules: string[];
  input: string[];
  tenant: string;
  /** YAML or JSON file: a list of suppressions, or `{suppressions: [...]}` (the configuration's shape). */
  suppressions?: string;
}

export interface DetectReport {
  events: number;
  findings: number;
  rejected: number;
  /** Rule matches silenced, per suppression id. */
  suppressed: Record<string, number>;
}

/** Reads a suppressions file; a bad entry throws ConfigError naming it. */
export function readSuppressions(path: string, known?: ReadonlySet<string>): SuppressionSet {
  const doc = parseYaml(readFileSync(path, 'utf8')) as unknown;
  const list = doc && typeof doc === 'object' && !Array.isArray(doc) && 'suppressions' in doc ? (doc as { suppressions: unknown }).suppressions : doc;
  return SuppressionSet.compile(parseSuppressions(list), known);
}

/**
 * Each rule's line head, written once per compiled rule rather than once per
 * detector (one per command run, one per pass in the bench): each detector
 * wrote every matched rule's head again and held them for its whole run, so
 * scavenges moved them into the old generation (docs/benchmarks.md, seventh
 * session).
 */
const ruleHeads = new WeakMap<CompiledRule, string>();

/** A rule match kept for the correlation rules. */
interface Matched {
  rule: CompiledRule;
  fields: Record<string, unknown>;
  event: TelemetryEvent;
  index: number;
}

/**
 * Offline detection over texts: the same normalizers and rule engine as the
 * detect function. One JSON line per finding on `write`; unreadable records
 * go to `warn` with file, position and reason. A line carries the finding's
 * id and entities, not the whole finding: evidence and observables are for
 * the case, and building them cost more than the evaluation.
 */
export class OfflineDetector {
  readonly report: DetectReport = { events: 0, findings: 0, rejected: 0, suppressed: {} };
  // Offline, correlation windows live in memory and event time comes from the events.
  private readonly engine: CorrelationEngine | undefined;
  private readonly where = new Map<TelemetryEvent, { file: string; index: number }>();
  private readonly now = new Date();

  constructor(
    private readonly rules: RuleSet,
    private readonly tenant: string,
    private readonly suppressions: SuppressionSet,
    private readonly write: (line: string) => void,
    private readonly warn: (line: string) => void,
    /** Map every record to OCSF up front (normalizeRecord) instead of when a match needs it; the same output, for tests. */
    private readonly eager = false,
  ) {
    this.engine = rules.correlations.length ? new CorrelationEngine(rules) : undefined;
  }

  /**
   * Every record of one input text (a file's contents), each evaluated as it
   * is parsed and then let go: holding a whole file's records cost more than
   * parsing them. `input.index` is the record's position in the file, bad
   * records counted. Correlation rules see the matches afterwards, in order
   * (their store is asynchronous; the parser is not).
   */
  async text(file: string, text: string): Promise<void> {
    const matched: Matched[] = [];
    let index = 0;
    unwrapTextInto(text, {
      records: { push: (record) => this.record(file, index++, record, matched) },
      failures: {
        push: (f) => {
          index++;
          this.report.rejected++;
          this.warn(`${file}${f.line !== undefined ? `:${f.line}` : ''}: ${f.reason}`);
        },
      },
    });
    if (!this.engine) return;
    for (const m of matched) for (const c of await this.engine.observe(m.rule, m.fields, m.event.time, m.event)) this.correlation(c, file, m.index);
  }

  private record(file: string, index: number, record: Record<string, unknown>, matched: Matched[]): void {
    const { rules, report, suppressions, engine } = this;
    const result = this.eager ? normalizeRecord(record) : routeRecord(record);
    if (!result.ok) {
      report.rejected++;
      this.warn(`${file} [${index}]: ${result.reason}`);
      return;
    }
    for (const event of result.events) {
      let found: CompiledRule[];
      try {
        found = rules.evaluateEvent(event);
        // A routed event maps to OCSF when first read. Read it here, before
        // anything is counted or printed, so that a mapping failure the
        // route's checks missed still rejects the record as normalize would.
        if (found.length > 0 && !this.eager) void event.ocsf;
      } catch (e) {
        if (!(e instanceof DeferredMappingError)) throw e;
        report.rejected++;
        this.warn(`${file} [${index}]: ${failureReason(e.cause)}`);
        return;
      }
      report.events++;
      if (found.length === 0) continue;
      let rawCtx: EventContext | undefined;
      let ocsfCtx: EventContext | undefined;
      // The line's event part and entities are the same for every rule the event matched.
      let tail: string | undefined;
      let entities: string | undefined;
      for (const rule of found) {
        const fields = rule.target === 'ocsf' ? (event.ocsf as unknown as Record<string, unknown>) : event.raw;
        if (suppressions.size > 0) {
          const ectx = rule.target === 'ocsf' ? (ocsfCtx ??= new EventContext(fields)) : (rawCtx ??= rules.context(event.logsource, event.raw));
          const s = suppressions.suppressing(rule, ectx, new Date(event.time));
          if (s) {
            report.suppressed[s.id] = (report.suppressed[s.id] ?? 0) + 1;
            continue;
          }
        }
        if (engine) {
          this.where.set(event, { file, index });
          matched.push({ rule, fields, event, index });
        }
        if (rule.correlationOnly) continue;
        report.findings++;
        tail ??= `},"event":{"uid":${jsonString(event.uid)},"source":${jsonString(event.source)},"time":"${isoTime(event.time)}"},"findingId":"`;
        entities ??= entitiesJson(entitiesOf(event.ocsf));
        // Written as JSON.stringify writes {rule, input: {file, index}, event, findingId, entities}, from parts kept per rule, file and event.
        this.write(`${this.ruleHead(rule)}${this.fileJson(file)},"index":${index}${tail}${findingIdOf(this.tenant, rule.id, [event])}","entities":${entities}}`);
      }
    }
  }

  private lastFile: { file: string; json: string } | undefined;

  /** `{"rule":{…},"input":{"file":` for a rule. */
  private ruleHead(rule: CompiledRule): string {
    let h = ruleHeads.get(rule);
    if (h === undefined) {
      h = `{"rule":${JSON.stringify({ id: rule.id, title: rule.title, level: rule.level, version: rule.version, file: rule.file })},"input":{"file":`;
      ruleHeads.set(rule, h);
    }
    return h;
  }

  private fileJson(file: string): string {
    if (this.lastFile?.file !== file) this.lastFile = { file, json: JSON.stringify(file) };
    return this.lastFile.json;
  }

  private correlation(m: CorrelationMatch, file: string, index: number): void {
    const { finding, events } = buildCorrelationFinding(m, { tenantId: this.tenant, now: this.now });
    this.report.findings++;
    this.write(
      JSON.stringify({
        rule: { id: finding.rule.id, title: finding.rule.title, level: finding.rule.level, version: finding.rule.version, correlation: m.correlation.type },
        input: { file, index },
        events: events.map((e) => ({ uid: e.uid, ...this.where.get(e) })),
        group: m.group,
        value: m.value,
        findingId: finding.findingId,
        entities: finding.entities,
      }),
    );
  }
}

const DAY_MS = 86_400_000;
let isoDay = -1;
let isoDate = '';

/**
 * `new Date(ms).toISOString()`, with the date part kept for the last day
 * seen: events come day by day, and toISOString cost more than the rest of
 * a finding line.
 */
export function isoTime(ms: number): string {
  // Past year 9999 toISOString writes a six-digit year; fractions of a millisecond it drops.
  if (!(ms >= 0 && ms < 253_402_300_800_000) || !Number.isInteger(ms)) return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY_MS);
  if (day !== isoDay) {
    isoDay = day;
    isoDate = new Date(day * DAY_MS).toISOString().slice(0, 11);
  }
  let r = ms - day * DAY_MS;
  const h = Math.floor(r / 3_600_000);
  r -= h * 3_600_000;
  const m = Math.floor(r / 60_000);
  r -= m * 60_000;
  const sec = Math.floor(r / 1000);
  const milli = r - sec * 1000;
  return `${isoDate}${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}:${sec < 10 ? '0' : ''}${sec}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}

/** `mdr detect`: compiles the rules (unsupported ones reported and skipped), then reads every input file. */
export async function runDetect(opts: DetectOptions, write: (line: string) => void, warn: (line: string) => void): Promise<DetectReport> {
  const rules = compileRules(readRuleFiles(opts.rules));
  for (const u of rules.unsupported) warn(`${u.file}${u.id ? ` (rule ${u.id})` : ''}: unsupported, skipped: ${u.reason}`);
  const known = new Set(rules.rules.flatMap((r) => (r.name ? [r.id, r.name] : [r.id])));
  for (const u of rules.unsupported) if (u.id) known.add(u.id);
  const suppressions = opts.suppressions ? readSuppressions(opts.suppressions, known) : SuppressionSet.empty;
  const detector = new OfflineDetector(rules, opts.tenant, suppressions, write, warn);
  for (const file of listFiles(opts.input)) await detector.text(file, readText(file));
  return detector.report;
}

export function registerDetect(program: Command): void {
  program
    .command('detect')
    .description('evaluate Sigma rules over telemetry files; prints one JSON line per finding')
    .requiredOption('-r, --rules <path>', 'rule file or folder (repeatable)', collect, [])
    .requiredOption('-i, --input <path>', 'input file or folder: JSON, JSON array, NDJSON, CloudTrail log files, gzip (repeatable)', collect, [])
    .option('--tenant <id>', 'tenant id used for finding ids', 'local')
    .option('--suppressions <file>', 'YAML/JSON suppressions (allow lists), as in the configuration; expiry is judged at each event\'s time')
    .action(async (opts: DetectOptions) => {
      const report = await runDetect(opts, (l) => process.stdout.write(`${l}\n`), (l) => process.stderr.write(`mdr detect: ${l}\n`));
      const quiet = Object.entries(report.suppressed).map(([id, n]) => `${id}: ${n}`);
      process.stderr.write(
        `mdr detect: ${report.events} events, ${report.findings} findings, ${report.rejected} rejected${quiet.length ? `, suppressed (${quiet.join(', ')})` : ''}\n`,
      );
    });
}
