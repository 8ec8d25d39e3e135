import { compileRules, EventContext, type CompileOptions, type CompiledRule } from '../../../../shared/detect/sigma';
import type { Accessor, FieldValue } from '../../../../shared/detect/sigma/fields';

/** Indents a YAML block so tests can write detections flush-left. */
function indent(block: string, by: string): string {
  return block
    .replace(/^\n+|\s+$/g, '')
    .split('\n')
    .map((l) => by + l)
    .join('\n');
}

/** YAML text of a rule with the given detection body. */
export function ruleText(detection: string, head = 'title: test rule\nid: rule-1\nlogsource:\n  product: aws\n'): string {
  return `${head}detection:\n${indent(detection, '  ')}\n`;
}

/** Compiles one rule from a detection body. */
export function compileOne(detection: string, options?: CompileOptions): CompiledRule {
  const set = compileRules([{ path: 'test.yml', text: ruleText(detection) }], { strict: true, ...options });
  return set.rules[0];
}

/** Builds a matcher `(event) => boolean` for a detection body. */
export function matcher(detection: string, options?: CompileOptions): (event: Record<string, unknown>) => boolean {
  const r = compileOne(detection, options);
  return (e) => r.matches(e);
}

/** The RuleLoadError reason for a detection body (throws if it loads). */
export function loadError(detection: string, options?: CompileOptions): string {
  try {
    compileOne(detection, options);
  } catch (e) {
    return (e as { reason?: string }).reason ?? String(e);
  }
  throw new Error('rule loaded but an error was expected');
}

/** Counts field reads, to observe which rules the rule set actually tests. */
export class CountingContext extends EventContext {
  reads = new Map<string, number>();
  override get(name: string, acc: Accessor): FieldValue {
    this.reads.set(name, (this.reads.get(name) ?? 0) + 1);
    return super.get(name, acc);
  }
  // The index reads each field once per event through `read` and keeps the value itself.
  override read(name: string, acc: Accessor): FieldValue {
    this.reads.set(name, (this.reads.get(name) ?? 0) + 1);
    return super.read(name, acc);
  }
}
