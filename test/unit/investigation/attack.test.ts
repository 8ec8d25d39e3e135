import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { TACTICS, techniquesOf, tacticTags, TECHNIQUES } from '../../../shared/investigation/attack';

function ruleFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? ruleFiles(p) : p.endsWith('.yml') ? [p] : [];
  });
}

describe('attack', () => {
  test('names a technique with the tactics its rule tags, falling back to all of its tactics', () => {
    expect(techniquesOf(['attack.persistence', 'attack.t1098.001'])).toEqual([{ id: 'T1098.001', name: 'Account Manipulation: Additional Cloud Credentials', tactics: ['Persistence'] }]);
    expect(techniquesOf(['attack.t1098.001'])).toEqual([{ id: 'T1098.001', name: 'Account Manipulation: Additional Cloud Credentials', tactics: ['Persistence', 'Privilege Escalation'] }]);
    expect(techniquesOf(['attack.T1562.008', 'attack.t1562.008', 'attack.defense-evasion'])).toHaveLength(1);
  });

  test('an unknown technique is still reported: by its parent name, or by id with the tagged tactics', () => {
    expect(techniquesOf(['attack.t1078.999'])).toEqual([{ id: 'T1078.999', name: 'Valid Accounts (T1078.999)', tactics: ['Defense Evasion', 'Persistence', 'Privilege Escalation', 'Initial Access'] }]);
    expect(techniquesOf(['attack.impact', 'attack.t9999'])).toEqual([{ id: 'T9999', name: 'T9999', tactics: ['Impact'] }]);
  });

  test('tactic tags; other tags ignored', () => {
    expect(tacticTags(['attack.persistence', 'cve.2021-44228', 'attack.t1078', 'attack.g0016', 'attack.impact'])).toEqual(['persistence', 'impact']);
  });

  test('every technique and tactic tagged by a shipped rule is in the table', () => {
    const tags = ruleFiles(join(__dirname, '..', '..', '..', 'rules')).flatMap((f) => ((parse(readFileSync(f, 'utf8')) as { tags?: string[] }).tags ?? []).filter((t) => t.startsWith('attack.')));
    expect(tags.length).toBeGreaterThan(0);
    for (const t of tags) {
      const k = t.slice(7).toLowerCase();
      if (/^t\d{4}/.test(k)) expect([t, TECHNIQUES[k.toUpperCase()] !== undefined]).toEqual([t, true]);
      else expect([t, TACTICS[k] !== undefined]).toEqual([t, true]);
    }
  });
});
