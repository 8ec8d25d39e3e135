import type { Entities } from '../contracts/finding';
import type { OcsfEvent } from '../ocsf/types';

function add(set: Set<string>, v: unknown): void {
  if (typeof v === 'string' && v !== '') set.add(v);
}

/** Who and what an event is about, read from its OCSF attributes (source-independent). */
export function entitiesOf(ocsf: OcsfEvent): Entities {
  const users = new Set<string>();
  const hosts = new Set<string>();
  const ips = new Set<string>();
  const accounts = new Set<string>();
  const resources = new Set<string>();
  const user = ocsf.actor?.user;
  add(users, user?.name ?? user?.uid);
  add(accounts, ocsf.cloud?.account?.uid);
  for (const ep of [ocsf.src_endpoint, ocsf.dst_endpoint]) {
    add(ips, ep?.ip);
    add(hosts, ep?.hostname);
  }
  const device = ocsf.device as { hostname?: unknown } | undefined;
  add(hosts, device?.hostname);
  for (const r of ocsf.resources ?? []) add(resources, r.uid ?? r.name);
  return {
    users: [...users].sort(),
    hosts: [...hosts].sort(),
    ips: [...ips].sort(),
    accounts: [...accounts].sort(),
    resources: [...resources].sort(),
  };
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
