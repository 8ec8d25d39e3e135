/**
 * What the customer's own data says about a case's observables: context
 * document (assets, owners, VIPs, known ranges, allow lists, aliases),
 * threat-intel lists and offline geolocation. Pure and deterministic: the
 * same observables and data give the same entities in the same order.
 */
import { OBSERVABLE_TYPES, type EntityContext, type Observable } from '../contracts/investigation';
import type { ContextIndex } from './context';
import type { GeoLookup } from './geo';
import { parseIp } from './ip';
import type { ThreatIntelIndex } from './threat-intel';

export interface EnrichSources {
  context?: ContextIndex;
  intel?: ThreatIntelIndex;
  /** Throws GeoDataError when its data is missing; the caller decides whether that fails the enrichment. */
  geo?: GeoLookup;
}

const TYPE_ORDER = new Map(OBSERVABLE_TYPES.map((t, i) => [t, i]));
const uniqueSorted = (xs: string[]) => [...new Set(xs)].sort();

function enrichOne(o: Observable, { context, intel, geo }: EnrichSources): EntityContext | undefined {
  const ip = o.type === 'ip' ? parseIp(o.value) : undefined;
  const e: EntityContext = { type: o.type, value: o.value, labels: [] };
  const labels: string[] = [];
  if (context) {
    if (context.vip(o).length) labels.push('vip');
    const asset = context.assets(o, ip)[0];
    if (asset) {
      e.asset = { id: asset.id };
      if (asset.name) e.asset.name = asset.name;
      if (asset.environment) e.asset.environment = asset.environment;
      if (asset.criticality) e.asset.criticality = asset.criticality;
      labels.push('asset');
      if (asset.criticality) labels.push(`criticality:${asset.criticality}`);
    }
    const owner = context.owner(o, ip);
    if (owner) {
      e.owner = owner;
      labels.push('owner');
    }
    const alias = context.alias(o);
    if (alias) {
      e.alias = alias;
      labels.push('alias');
    }
    labels.push(...uniqueSorted(context.knownRanges(o, ip).map((r) => `known-range:${r.name}`)));
    const allow = uniqueSorted(context.allowLists(o, ip).map((a) => a.name));
    if (allow.length) {
      e.allowListed = allow;
      labels.push(...allow.map((n) => `allow-listed:${n}`));
    }
  }
  if (o.type === 'ip' && ip) {
    const hits = intel?.lookup(o.value) ?? [];
    if (hits.length) {
      // Highest confidence first, so the first hit is the one to read.
      e.intel = [...hits].sort((a, b) => (b.confidence ?? -1) - (a.confidence ?? -1) || a.list.localeCompare(b.list) || a.category.localeCompare(b.category));
      labels.push(...uniqueSorted(hits.map((h) => `threat-intel:${h.category}`)));
    }
    const country = geo?.country(o.value);
    if (country) {
      e.geo = { country };
      labels.push('geo');
    }
  }
  if (labels.length === 0) return undefined;
  e.labels = labels;
  return e;
}

/**
 * One EntityContext per observable the data says something about (others
 * are left out: the observables themselves are kept with the alert), in
 * OBSERVABLE_TYPES order, then by value. Labels: `vip`, `asset`,
 * `criticality:<c>`, `owner`, `alias`, `known-range:<name>`,
 * `allow-listed:<name>`, `threat-intel:<category>`, `geo`.
 */
export function enrichObservables(observables: readonly Observable[], sources: EnrichSources): EntityContext[] {
  const out: EntityContext[] = [];
  const seen = new Set<string>();
  for (const o of observables) {
    const k = `${o.type}\0${o.value}`;
    if (seen.has(k)) continue;
    seen.add(k);
    const e = enrichOne(o, sources);
    if (e) out.push(e);
  }
  return out.sort((a, b) => TYPE_ORDER.get(a.type)! - TYPE_ORDER.get(b.type)! || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}
