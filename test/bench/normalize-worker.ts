/**
 * Child process of the normalization benchmark (normalize.ts): one input, in a
 * process of its own that holds nothing else, as a handler or `mdr normalize`
 * holds one source's input. Prints one JSON line (a NormalizeRow).
 *
 * `worker INDEX EVENTS RUNS`, INDEX from 0 to NORMALIZE_CASES - 1.
 */
import { measureNormalizeCase, normalizeCase, NORMALIZE_CASES } from './normalize';

function main(): void {
  const [indexArg, eventsArg, runsArg] = process.argv.slice(2);
  const index = Number(indexArg);
  if (!Number.isInteger(index) || index < 0 || index >= NORMALIZE_CASES) throw new Error(`input index ${indexArg}: expected 0 to ${NORMALIZE_CASES - 1}`);
  const row = measureNormalizeCase(normalizeCase(Number(eventsArg), index), Number(runsArg));
  process.stdout.write(`${JSON.stringify(row)}\n`);
}

if (require.main === module) {
  try {
    main();
  } catch (e) {
    console.error(e);
    process.exit(1);
  }
}
