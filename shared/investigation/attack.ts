/**
 * MITRE ATT&CK (Enterprise) names for the technique and tactic tags rules
 * carry (`attack.t1078.004`, `attack.persistence`), so a case can say
 * "Valid Accounts: Cloud Accounts (Persistence)" instead of a tag. The table
 * covers the techniques the shipped rules use and their parents; a technique
 * missing here is still reported, by id, with the tactics its rule names.
 */

export interface Tactic {
  id: string;
  name: string;
}

/** ATT&CK Enterprise tactics by the short name Sigma tags use. */
export const TACTICS: Readonly<Record<string, Tactic>> = {
  reconnaissance: { id: 'TA0043', name: 'Reconnaissance' },
  'resource-development': { id: 'TA0042', name: 'Resource Development' },
  'initial-access': { id: 'TA0001', name: 'Initial Access' },
  execution: { id: 'TA0002', name: 'Execution' },
  persistence: { id: 'TA0003', name: 'Persistence' },
  'privilege-escalation': { id: 'TA0004', name: 'Privilege Escalation' },
  'defense-evasion': { id: 'TA0005', name: 'Defense Evasion' },
  'credential-access': { id: 'TA0006', name: 'Credential Access' },
  discovery: { id: 'TA0007', name: 'Discovery' },
  'lateral-movement': { id: 'TA0008', name: 'Lateral Movement' },
  collection: { id: 'TA0009', name: 'Collection' },
  'command-and-control': { id: 'TA0011', name: 'Command and Control' },
  exfiltration: { id: 'TA0010', name: 'Exfiltration' },
  impact: { id: 'TA0040', name: 'Impact' },
};

interface TechniqueEntry {
  name: string;
  /** Tactic short names, as in TACTICS. */
  tactics: string[];
}

/** Technique id → name and tactics. Sub-technique names are "Parent: Sub", as ATT&CK writes them. */
export const TECHNIQUES: Readonly<Record<string, TechniqueEntry>> = {
  T1003: { name: 'OS Credential Dumping', tactics: ['credential-access'] },
  'T1003.001': { name: 'OS Credential Dumping: LSASS Memory', tactics: ['credential-access'] },
  T1027: { name: 'Obfuscated Files or Information', tactics: ['defense-evasion'] },
  T1059: { name: 'Command and Scripting Interpreter', tactics: ['execution'] },
  'T1059.001': { name: 'Command and Scripting Interpreter: PowerShell', tactics: ['execution'] },
  T1078: { name: 'Valid Accounts', tactics: ['defense-evasion', 'persistence', 'privilege-escalation', 'initial-access'] },
  'T1078.004': { name: 'Valid Accounts: Cloud Accounts', tactics: ['defense-evasion', 'persistence', 'privilege-escalation', 'initial-access'] },
  T1098: { name: 'Account Manipulation', tactics: ['persistence', 'privilege-escalation'] },
  'T1098.001': { name: 'Account Manipulation: Additional Cloud Credentials', tactics: ['persistence', 'privilege-escalation'] },
  'T1098.003': { name: 'Account Manipulation: Additional Cloud Roles', tactics: ['persistence', 'privilege-escalation'] },
  T1110: { name: 'Brute Force', tactics: ['credential-access'] },
  T1204: { name: 'User Execution', tactics: ['execution'] },
  'T1204.002': { name: 'User Execution: Malicious File', tactics: ['execution'] },
  T1490: { name: 'Inhibit System Recovery', tactics: ['impact'] },
  T1496: { name: 'Resource Hijacking', tactics: ['impact'] },
  T1530: { name: 'Data from Cloud Storage', tactics: ['collection'] },
  T1552: { name: 'Unsecured Credentials', tactics: ['credential-access'] },
  'T1552.005': { name: 'Unsecured Credentials: Cloud Instance Metadata API', tactics: ['credential-access'] },
  T1556: { name: 'Modify Authentication Process', tactics: ['credential-access', 'defense-evasion', 'persistence'] },
  'T1556.006': { name: 'Modify Authentication Process: Multi-Factor Authentication', tactics: ['credential-access', 'defense-evasion', 'persistence'] },
  T1562: { name: 'Impair Defenses', tactics: ['defense-evasion'] },
  'T1562.001': { name: 'Impair Defenses: Disable or Modify Tools', tactics: ['defense-evasion'] },
  'T1562.007': { name: 'Impair Defenses: Disable or Modify Cloud Firewall', tactics: ['defense-evasion'] },
  'T1562.008': { name: 'Impair Defenses: Disable or Modify Cloud Logs', tactics: ['defense-evasion'] },
  T1566: { name: 'Phishing', tactics: ['initial-access'] },
  'T1566.001': { name: 'Phishing: Spearphishing Attachment', tactics: ['initial-access'] },
  T1621: { name: 'Multi-Factor Authentication Request Generation', tactics: ['credential-access'] },
};

export interface Technique {
  /** `T1078.004`. */
  id: string;
  name: string;
  /** Tactic names (`Persistence`). */
  tactics: string[];
}

const TECHNIQUE_TAG = /^attack\.(t\d{4}(?:\.\d{3})?)$/i;

/** Tactic short names tagged (`attack.persistence` → `persistence`), in tag order. */
export function tacticTags(tags: readonly string[]): string[] {
  const out: string[] = [];
  for (const t of tags) {
    const m = /^attack\.([a-z-]+)$/i.exec(t);
    const k = m?.[1].toLowerCase();
    if (k && TACTICS[k] && !out.includes(k)) out.push(k);
  }
  return out;
}

/**
 * Techniques a rule's tags name, each once, in tag order. Tactics: those the
 * tags name that the technique belongs to (the rule's own reading); when the
 * tags name none of them, all of the technique's tactics.
 */
export function techniquesOf(tags: readonly string[]): Technique[] {
  const tagged = tacticTags(tags);
  const out: Technique[] = [];
  for (const t of tags) {
    const m = TECHNIQUE_TAG.exec(t);
    if (!m) continue;
    const id = m[1].toUpperCase();
    if (out.some((x) => x.id === id)) continue;
    const entry = TECHNIQUES[id] ?? TECHNIQUES[id.split('.')[0]];
    const known = TECHNIQUES[id];
    const own = entry?.tactics ?? [];
    const chosen = own.filter((k) => tagged.includes(k));
    const keys = chosen.length ? chosen : own.length ? own : tagged;
    out.push({
      id,
      // A sub-technique missing from the table is named after its parent, with its own id.
      name: known ? known.name : entry ? `${entry.name} (${id})` : id,
      tactics: keys.map((k) => TACTICS[k].name),
    });
  }
  return out;
}
