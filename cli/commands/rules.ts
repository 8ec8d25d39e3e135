import type { Command } from 'commander';
import { readRuleFiles } from '../../shared/detect/rules-artifact';
import { lintRules } from '../../shared/detect/sigma';

export function registerRules(program: Command): void {
  const rules = program.command('rules').description('check and inspect Sigma rules');
  rules
    .command('lint')
    .description('check every rule file; exit code 1 when any rule has an error')
    .argument('<paths...>', 'rule files or folders')
    .option('--json', 'one JSON line per rule: file, id, status, reason')
    .action((paths: string[], opts: { json?: boolean }) => {
      const results = lintRules(readRuleFiles(paths));
      for (const r of results) {
        process.stdout.write(
          opts.json ? `${JSON.stringify(r)}\n` : `${r.status.padEnd(11)} ${r.file}${r.id ? ` ${r.id}` : ''}${r.reason ? `: ${r.reason}` : ''}\n`,
        );
      }
      if (results.some((r) => r.status === 'error')) process.exitCode = 1;
    });
}
