import type { Command } from 'commander';
import { unwrapText } from '../../shared/normalize/envelopes';
import { builtInSources, normalizeRecord, sourceById } from '../../shared/normalize/registry';
import { listFiles, readText } from '../input';

export function registerNormalize(program: Command): void {
  program
    .command('normalize')
    .description('map telemetry files to OCSF; prints one OCSF event per line')
    .option('-i, --input <path>', 'input file or folder (repeatable)', (v: string, p: string[]) => [...p, v], [])
    .option('--format <name>', 'force a source format instead of recognizing it')
    .option('--formats', 'list the recognized source formats')
    .action((opts: { input: string[]; format?: string; formats?: boolean }) => {
      if (opts.formats) {
        for (const s of builtInSources) process.stdout.write(`${s.id}\t${s.name}\n`);
        return;
      }
      if (!opts.input.length) throw new Error('--input is required');
      const forced = opts.format ? sourceById(opts.format) : undefined;
      if (opts.format && !forced) throw new Error(`unknown format "${opts.format}" (see mdr normalize --formats)`);
      for (const file of listFiles(opts.input)) {
        const { records, failures } = unwrapText(readText(file));
        for (const f of failures) process.stderr.write(`mdr normalize: ${file}: ${f.reason}\n`);
        records.forEach((record, index) => {
          const result = normalizeRecord(record, forced ? [forced] : undefined);
          if (!result.ok) process.stderr.write(`mdr normalize: ${file} [${index}]: ${result.reason}\n`);
          else for (const e of result.events) process.stdout.write(`${JSON.stringify(e.ocsf)}\n`);
        });
      }
    });
}
