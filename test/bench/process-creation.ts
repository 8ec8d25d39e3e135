/**
 * Sysmon process creation (EventID 1) for the rule-count benchmark: events
 * and rules in the shapes SigmaHQ's `windows/process_creation` folder uses
 * (about a third of that repository). Written for the benchmark, seeded; no
 * rule text is taken from anywhere.
 *
 * The vocabulary is what makes the figure honest: rules name hundreds of
 * different binaries and command-line fragments, and the traffic is mostly
 * benign binaries a rule seldom names, with the names and fragments rules look
 * for at low rates, so adding rules adds rules that mostly cannot match.
 */
import { Rng } from './generators';

/** Binaries the traffic runs most (benign), by rough frequency. */
const COMMON = [
  'svchost', 'conhost', 'chrome', 'msedge', 'explorer', 'RuntimeBroker', 'backgroundTaskHost', 'SearchProtocolHost', 'taskhostw', 'dllhost',
  'OneDrive', 'Teams', 'outlook', 'WINWORD', 'EXCEL', 'git', 'node', 'python', 'Code', 'MsMpEng',
];
/** Binaries rules watch (living-off-the-land and admin tools): a family of real-looking names, then generated ones. */
const WATCHED_BASE = [
  'powershell', 'pwsh', 'cmd', 'rundll32', 'regsvr32', 'mshta', 'certutil', 'bitsadmin', 'wmic', 'reg', 'schtasks', 'sc', 'net', 'net1', 'whoami',
  'nltest', 'vssadmin', 'wbadmin', 'bcdedit', 'msiexec', 'cscript', 'wscript', 'forfiles', 'curl', 'ftp', 'hh', 'installutil', 'msbuild',
  'odbcconf', 'pcalua', 'regasm', 'regsvcs', 'control', 'cmstp', 'esentutl', 'expand', 'extrac32', 'findstr', 'makecab', 'mavinject',
  'diskshadow', 'dnscmd', 'dsquery', 'adfind', 'procdump', 'psexec', 'ntdsutil', 'netsh', 'wevtutil', 'fsutil', 'icacls', 'takeown', 'attrib',
];
const WATCHED = [...WATCHED_BASE, ...Array.from({ length: 350 }, (_, i) => `tool${i.toString(36)}${'xyzw'[i % 4]}`)];
const FRAGMENT_BASE = [
  ' -enc ', ' -EncodedCommand ', 'IEX', 'DownloadString', 'FromBase64String', ' -nop ', ' -w hidden', '/c ping', 'vssadmin delete shadows',
  'shadowcopy delete', ' /create ', ' /sc minute', 'comsvcs.dll', 'MiniDump', 'lsass', '-urlcache', '-decode', ' /transfer ', 'javascript:',
  'vbscript:', 'http://', 'https://', '\\AppData\\Local\\Temp\\', '\\Users\\Public\\', 'add HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run',
  'stop WinDefend', 'Set-MpPreference', 'DisableRealtimeMonitoring', 'domain_trusts', '/dclist:', 'group "Domain Admins"', 'localgroup administrators',
  'recoveryenabled no', 'bootstatuspolicy', 'advfirewall firewall add', 'portproxy', 'clear-log', ' cl ', 'usn deletejournal', '/grant Everyone:F',
];
const FRAGMENTS = [...FRAGMENT_BASE, ...Array.from({ length: 700 }, (_, i) => ` --opt-${i.toString(36)}q `)];
const BENIGN_ARGS = ['-k netsvcs -p', '--type=renderer --field-trial-handle=1', '/processid:{3EB3C877-1F16-487C-9050-104DBCD66683}', 'status', '-Embedding', '/background', 'run build', '0xffffffff -ForceV1'];

function path(image: string): string {
  return image.startsWith('tool') ? `C:\\Users\\alice\\Downloads\\${image}.exe` : `C:\\Windows\\System32\\${image}.exe`;
}

/** One Sysmon EventID 1 record, evtx-dump JSON shape. */
export function processCreationEvent(r: Rng, i: number): Record<string, unknown> {
  const watched = r.chance(0.15);
  const image = watched ? r.skewed(WATCHED) : r.skewed(COMMON);
  const parent = r.chance(0.8) ? r.skewed(COMMON) : r.skewed(WATCHED);
  // Fragments rules look for appear in a few command lines only.
  const args = r.chance(0.05) ? `${r.pick(BENIGN_ARGS)}${r.skewed(FRAGMENTS)}${r.hex(6)}` : r.pick(BENIGN_ARGS);
  const t = new Date(Date.UTC(2026, 2, 2, 9) + i * 41).toISOString();
  return {
    Event: {
      System: {
        Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon', Guid: '5770385F-C22A-43E0-BF4C-06F5698FFBD9' } },
        EventID: 1,
        Version: 5,
        Level: 4,
        TimeCreated: { '#attributes': { SystemTime: t } },
        EventRecordID: 500000 + i,
        Channel: 'Microsoft-Windows-Sysmon/Operational',
        Computer: `WS-${String(r.int(1, 400)).padStart(3, '0')}.corp.example.com`,
      },
      EventData: {
        UtcTime: t,
        ProcessGuid: `{${r.uuid()}}`,
        ProcessId: r.int(100, 9999),
        Image: path(image),
        OriginalFileName: `${image}.exe`.toUpperCase(),
        CommandLine: `"${path(image)}" ${args}`,
        CurrentDirectory: 'C:\\Users\\alice\\',
        User: `CORP\\${r.pick(['alice', 'bob', 'svc-build', 'carol'])}`,
        IntegrityLevel: r.pick(['Medium', 'High', 'System']),
        Hashes: `SHA256=${r.hex(64).toUpperCase()}`,
        ParentImage: path(parent),
        ParentCommandLine: `"${path(parent)}"`,
      },
    },
  };
}

const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
const list = (xs: readonly string[]) => xs.map((x) => `            - ${q(x)}`);

/** One process_creation rule in a shape SigmaHQ uses often. */
export function processCreationRule(r: Rng, n: number): string {
  const sel: string[] = [];
  let condition: string;
  const images = (k: number) => [...new Set(Array.from({ length: k }, () => `\\${r.pick(WATCHED)}.exe`))];
  const fragments = (k: number) => [...new Set(Array.from({ length: k }, () => r.pick(FRAGMENTS)))];
  const kind = r.next();
  if (kind < 0.5) {
    // Image (or its original name) and what its command line contains.
    const imgs = images(r.int(1, 3));
    sel.push('    selection_img:', '        - Image|endswith:', ...list(imgs).map((l) => `    ${l}`), '        - OriginalFileName:', ...list(imgs.map((x) => x.slice(1).toUpperCase())).map((l) => `    ${l}`));
    sel.push('    selection_cli:', '        CommandLine|contains:', ...list(fragments(r.int(1, 4))));
    condition = 'all of selection_*';
  } else if (kind < 0.65) {
    sel.push('    selection:', '        ParentImage|endswith:', ...list(images(r.int(1, 2))), '        Image|endswith:', ...list(images(r.int(1, 3))));
    condition = 'selection';
  } else if (kind < 0.8) {
    sel.push('    selection:', '        CommandLine|contains|all:', ...list(fragments(2)));
    condition = 'selection';
  } else if (kind < 0.85) {
    sel.push('    selection:', '        Image|endswith:', ...list(images(1)), `        CommandLine|re: ${q(`(?i)${r.pick(['-e(nc|ncodedcommand)? ', 'frombase64string\\(', 'http[s]?://[0-9.]+/', 'opt-[0-9a-z]+q'])}`)}`);
    condition = 'selection';
  } else {
    sel.push('    selection:', '        CommandLine|contains:', ...list(fragments(r.int(1, 5))));
    condition = 'selection';
  }
  if (r.chance(0.3)) {
    sel.push('    filter_main_program_files:', '        Image|startswith:', "            - 'C:\\Program Files\\'", "            - 'C:\\Program Files (x86)\\'");
    condition = `${condition} and not 1 of filter_main_*`;
  }
  return [
    `title: Generated process creation rule ${n}`,
    `id: 00000000-0000-4000-9000-${n.toString(16).padStart(12, '0')}`,
    'status: experimental',
    'author: serverless-mdr bench',
    'date: 2026-12-02',
    'tags:',
    `    - attack.t${r.int(1000, 1600)}`,
    'logsource:',
    '    category: process_creation',
    '    product: windows',
    'detection:',
    ...sel,
    `    condition: ${condition}`,
    `level: ${r.pick(['low', 'medium', 'high', 'critical'])}`,
    '',
  ].join('\n');
}

export function processCreationRuleFiles(count: number, seed = 11): { path: string; text: string }[] {
  const r = new Rng(seed);
  return Array.from({ length: count }, (_, n) => ({ path: `generated/proc-${String(n).padStart(5, '0')}.yml`, text: processCreationRule(r, n) }));
}
