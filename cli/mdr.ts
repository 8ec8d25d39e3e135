#!/usr/bin/env node
import { Command } from 'commander';
import { registerCases } from './commands/cases';
import { registerDetect } from './commands/detect';
import { registerNormalize } from './commands/normalize';
import { registerRules } from './commands/rules';

export function buildProgram(): Command {
  const program = new Command('mdr').description('serverless MDR: offline tools over the same engine the functions run').version('0.1.0');
  registerDetect(program);
  registerNormalize(program);
  registerRules(program);
  registerCases(program);
  return program;
}

if (require.main === module) {
  // `mdr detect … | head` closes the pipe early; that is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  buildProgram()
    .parseAsync(process.argv)
    .catch((e: Error) => {
      process.stderr.write(`mdr: ${e.message}\n`);
      process.exit(1);
    });
}
