/**
 * Logsource routing. A rule applies to an event when every logsource field
 * the rule names (`product`, `service`, `category`) is satisfied by the
 * event's. An event's category may satisfy several rule categories: Sigma's
 * taxonomy has umbrella categories (`registry_event` covers the add, set,
 * delete and rename events that Sysmon logs as 12, 13 and 14), declared below
 * as data rather than special cases.
 */
import type { LogSource } from '../../telemetry';

export interface CategoryAlias {
  /** Product the alias holds for; every product when absent. */
  product?: string;
  /** The event's own category… */
  category: string;
  /** …also satisfies rules of these categories. */
  satisfies: readonly string[];
}

/** Umbrella categories of the Sigma taxonomy (facts of the taxonomy, per product). */
export const CATEGORY_ALIASES: readonly CategoryAlias[] = [
  { product: 'windows', category: 'registry_add', satisfies: ['registry_event'] },
  { product: 'windows', category: 'registry_delete', satisfies: ['registry_event'] },
  { product: 'windows', category: 'registry_set', satisfies: ['registry_event'] },
  { product: 'windows', category: 'registry_rename', satisfies: ['registry_event'] },
];

const lc = (s: string | undefined) => s?.toLowerCase();

/** Every category an event of this logsource satisfies: its own plus its umbrella categories (lower case). */
export function eventCategories(event: LogSource, aliases: readonly CategoryAlias[] = CATEGORY_ALIASES): string[] {
  const own = lc(event.category);
  if (own === undefined) return [];
  const out = [own];
  const product = lc(event.product);
  for (const a of aliases) {
    if (a.category.toLowerCase() !== own) continue;
    if (a.product !== undefined && a.product.toLowerCase() !== product) continue;
    for (const s of a.satisfies) if (!out.includes(s.toLowerCase())) out.push(s.toLowerCase());
  }
  return out;
}

/**
 * A rule logsource applies when every field it names is satisfied by the
 * event's (case-insensitive); a rule category is satisfied by the event's
 * category or by one of its umbrella categories.
 */
export function logsourceApplies(rule: LogSource, event: LogSource, aliases: readonly CategoryAlias[] = CATEGORY_ALIASES): boolean {
  for (const k of ['product', 'service'] as const) {
    const want = rule[k];
    if (want === undefined) continue;
    const got = event[k];
    if (got === undefined || got.toLowerCase() !== want.toLowerCase()) return false;
  }
  if (rule.category === undefined) return true;
  return eventCategories(event, aliases).includes(rule.category.toLowerCase());
}
