import type { Entities } from '../contracts/finding';
import type { OcsfEvent } from '../ocsf/types';
import { jsonStringList } from '../json-text';

/** Adds a non-empty string once; an event names one or two of each kind, so a list beats a Set. */
function add(list: string[], v: unknown): void {
  if (typeof v === 'string' && v !== '' && !list.includes(v)) list.push(v);
}

function sorted(list: string[]): string[] {
  return list.length > 1 ? list.sort() : list;
}

/** Who and what an event is about, read from its OCSF attributes (source-independent). */
export function entitiesOf(ocsf: OcsfEvent): Entities {
  const users: string[] = [];
  const hosts: string[] = [];
  const ips: string[] = [];
  const accounts: string[] = [];
  const resources: string[] = [];
  const user = ocsf.actor?.user;
  add(users, user?.name ?? user?.uid);
  add(accounts, ocsf.cloud?.account?.uid);
  const src = ocsf.src_endpoint;
  const dst = ocsf.dst_endpoint;
  add(ips, src?.ip);
  add(hosts, src?.hostname);
  add(ips, dst?.ip);
  add(hosts, dst?.hostname);
  const device = ocsf.device as { hostname?: unknown } | undefined;
  add(hosts, device?.hostname);
  if (ocsf.resources) for (const r of ocsf.resources) add(resources, r.uid ?? r.name);
  return { users, hosts: sorted(hosts), ips: sorted(ips), accounts, resources: sorted(resources) };
}

/** JSON.stringify(e), written directly (one per matched event in `mdr detect`'s output, where the call cost more than the text). */
export function entitiesJson(e: Entities): string {
  return `{"users":${jsonStringList(e.users)},"hosts":${jsonStringList(e.hosts)},"ips":${jsonStringList(e.ips)},"accounts":${jsonStringList(e.accounts)},"resources":${jsonStringList(e.resources)}}`;
}

export function mergeEntities(a: Entities, b: Entities): Entities {
  const u = (x: string[], y: string[]) => [...new Set([...x, ...y])].sort();
  return {
    users: u(a.users, b.users),
    hosts: u(a.hosts, b.hosts),
    ips: u(a.ips, b.ips),
    accounts: u(a.accounts, b.accounts),
    resources: u(a.resources, b.resources),
  };
}
