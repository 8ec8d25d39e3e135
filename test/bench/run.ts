/**
 * `npm run bench [-- --quick] [-- --only normalize,detect,cold,e2e,batching] [-- --runs N] [-- --processes N] [-- --write | --no-write]`
 *
 * `--processes N`: detection worker processes per rule count, the median kept (3 by default, 1 with --quick).
 *
 * Single core, in process (cold start in fresh processes, e2e on moto).
 * Prints each figure as it is measured and writes the rendered document to
 * the system's temporary folder (`mdr-benchmarks.md`), or over
 * docs/benchmarks.md with --write. Not over it by default: that page carries
 * hand-written analysis beside the generated tables (what bounds each figure,
 * what was tried), which a rendered page would lose; splice the new tables in.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STAGES } from '../../shared/catalogue';
import { batchingMarkdown, benchBatching, type BatchRow } from './batching';
import { benchColdStart, coldMarkdown, repoRoot, type ColdRow } from './coldstart';
import { benchE2e, e2eMarkdown, windowsMarkdown, type E2eResult } from './e2e';
import { fmt, machine, table } from './measure';
import { benchS3Memory, s3MemoryMarkdown, type S3MemoryRow } from './s3-memory';
import { benchDetect, breakdownMarkdown, detectMarkdown, type DetectResult, type DetectRow } from './detect';
import { benchNormalize, normalizeMarkdown, type NormalizeRow } from './normalize';

const ALL = ['normalize', 'detect', 'cold', 'e2e', 'batching', 's3mem'] as const;
type Part = (typeof ALL)[number];

function args() {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  const value = (name: string): string | undefined => {
    const i = argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
    if (i === -1) return undefined;
    return argv[i].includes('=') ? argv[i].split('=')[1] : argv[i + 1];
  };
  const only = value('--only');
  const parts = new Set<Part>(only ? (only.split(',').filter((p) => (ALL as readonly string[]).includes(p)) as Part[]) : ALL);
  const runs = Number(value('--runs') ?? (quick ? 3 : 7));
  const processes = Number(value('--processes') ?? (quick ? 1 : 3));
  if (!Number.isInteger(processes) || processes < 1) throw new Error(`--processes: a whole number from 1 (got '${value('--processes')}')`);
  const write = argv.includes('--write') && !argv.includes('--no-write');
  return { quick, parts, runs, processes, write, argv };
}

function verdict(ok: boolean): string {
  return ok ? '**met**' : '**not met**';
}

/**
 * A rule-count scaling target's line. Each rule count runs in its own process, minutes apart on a shared machine,
 * so the time per event is also given in units of the bare JSON.parse time measured beside it in the same process:
 * the machine's state cancels out of that figure, and the verdict is taken on it.
 */
function scalingLine(target: string, from: DetectRow, to: DetectRow): string {
  const rel = (x: number, r: DetectRow) => x * r.parsePerSec;
  const evalRaw = to.evaluateUs / from.evaluateUs;
  const evalRel = rel(to.evaluateUs, to) / rel(from.evaluateUs, from);
  const pathRaw = to.detectUs / from.detectUs;
  const pathRel = rel(to.detectUs, to) / rel(from.detectUs, from);
  const firstRel = from.firstVsParse / to.firstVsParse;
  return `- ${target}: evaluation ${evalRel.toFixed(2)}× in JSON.parse units (${evalRaw.toFixed(2)}× in µs), ${verdict(evalRel < 1.5)}; the \`mdr detect\` path ${pathRel.toFixed(2)}× (${pathRaw.toFixed(2)}× in µs), ${verdict(pathRel < 1.5)} (first passes: ${firstRel.toFixed(2)}×).`;
}

async function main(): Promise<void> {
  const a = args();
  const m = machine();
  const started = Date.now();
  const log = (l: string) => console.log(l);
  log(`bench: ${m.cpu}, ${m.cores} cores, Node ${m.node}, ${a.quick ? 'quick' : 'full'}, median of ${a.runs} runs`);

  let norm: NormalizeRow[] | undefined;
  let det: DetectResult | undefined;
  let cold: { rows: ColdRow[]; rulesInArtifact: number; runs: number } | undefined;
  let e2e: E2eResult | undefined;
  let e2eError: string | undefined;
  let batch: BatchRow[] | undefined;
  let s3mem: S3MemoryRow[] | undefined;
  const o = { quick: a.quick, runs: a.runs, log };

  if (a.parts.has('normalize')) norm = benchNormalize(o);
  if (a.parts.has('detect')) det = await benchDetect({ ...o, processes: a.processes });
  if (a.parts.has('batching')) batch = benchBatching(log);
  if (a.parts.has('s3mem')) s3mem = await benchS3Memory(o);
  if (a.parts.has('cold')) cold = await benchColdStart(o);
  if (a.parts.has('e2e')) {
    try {
      e2e = await benchE2e(o);
    } catch (e) {
      // moto missing or broken: the other figures still stand.
      e2eError = (e as Error).message;
      log(`e2e: skipped: ${e2eError}`);
    }
  }
  const seconds = (Date.now() - started) / 1000;
  log(`bench: done in ${seconds.toFixed(0)} s`);

  // Name the way it was really run (compiled by `npm run bench`, or from source with tsx).
  const command = __filename.endsWith('.ts') ? `npx tsx test/bench/run.ts${a.argv.length ? ` ${a.argv.join(' ')}` : ''}` : `npm run bench${a.argv.length ? ` -- ${a.argv.join(' ')}` : ''}`;
  const doc = render({ m, command, seconds, quick: a.quick, runs: a.runs, norm, det, cold, e2e, e2eError, batch, s3mem });
  // --print: the document on stdout (e.g. to take one section from a partial run).
  if (a.argv.includes('--print')) console.log(doc);
  // docs/benchmarks.md only when asked: it holds hand-written analysis the rendered page lacks.
  const path = a.write ? join(repoRoot(), 'docs', 'benchmarks.md') : join(tmpdir(), 'mdr-benchmarks.md');
  writeFileSync(path, doc);
  log(`bench: wrote ${path}${a.write ? '' : ' (docs/benchmarks.md is left as it is: splice the sections you re-measured, or pass --write)'}`);
}

interface RenderInput {
  m: ReturnType<typeof machine>;
  command: string;
  seconds: number;
  quick: boolean;
  runs: number;
  norm?: NormalizeRow[];
  det?: DetectResult;
  cold?: { rows: ColdRow[]; rulesInArtifact: number; runs: number };
  e2e?: E2eResult;
  e2eError?: string;
  batch?: BatchRow[];
  s3mem?: S3MemoryRow[];
}

function render(r: RenderInput): string {
  const out: string[] = [];
  out.push(
    '# Benchmarks',
    '',
    '<!-- Tables rendered by test/bench/run.ts (`npm run bench`, written to the temporary folder; `-- --write` writes here); the analysis beside them is written by hand. -->',
    '',
    'How fast the pipeline runs, measured on one machine and written here by the benchmark',
    'itself, so every figure below comes with the machine and the command that produced it.',
    'Throughput is single core and in process (Node runs JavaScript on one thread; nothing',
    'here uses workers), each figure the median of several timed runs after a warm-up run.',
    'Inputs are generated in memory by `test/bench/generators.ts` (CloudTrail, Okta System Log,',
    'Windows/Sysmon event JSON, VPC Flow Logs v2) and `test/bench/source-generators.ts` (the other',
    'shipped sources) in each vendor\'s documented format with varied, seeded values; the Sigma',
    'rules for the rule-count scaling are generated in the first too',
    '(see "Detection"). Figures move between runs by a few percent; compare orders of',
    'magnitude and ratios, not the last digit.',
    '',
    '## Machine',
    '',
    table(
      ['', ''],
      [
        ['CPU', r.m.cpu],
        ['cores', r.m.cores],
        ['Node.js', r.m.node],
        ['platform', r.m.platform],
        ['date', r.m.date],
        ['command', `\`${r.command}\``],
        ['runs per figure', `median of ${r.runs} (after one warm-up; detection: the second of two rounds)${r.quick ? ', quick sizes' : ''}`],
        ['whole bench', `${r.seconds.toFixed(0)} s`],
      ],
    ),
    '',
  );

  if (r.norm) {
    const verdicts = (ratio: (x: NormalizeRow) => number) =>
      r.norm!.map((x) => `${x.source} (${x.shape.split(/[,(]/)[0].trim()}) ${fmt.pct(ratio(x))} ${ratio(x) >= 0.5 ? 'met' : 'not met'}`).join('; ');
    out.push(
      '## Normalization throughput',
      '',
      '`normalizeMessage` (shared/normalize/normalize-batch.ts: unwrap the message body, recognize',
      'the source, map to OCSF, keep the raw record) message by message over Lambda-sized batches',
      'of 100 messages, beside bare `JSON.parse` of the same bodies (one parse per body, or per line',
      'for NDJSON), in process CPU time, each input in a process of its own holding only that input',
      '(test/bench/normalize-worker.ts), its normalize runs alternating with `JSON.parse` runs, no collection',
      'forced between runs, the runs that hold nothing before any that holds events (V8 pretenures what held',
      'runs keep). "Dropped as made": each',
      'event let go as soon as it is made, i.e. normalization alone (bare `JSON.parse` keeps nothing',
      'either). "As the handler": invocations of 100 messages, each with a new pending list that is',
      'replaced every 2,000 events and at its end, as the normalize handler sends them on (packing not',
      'timed); holding them costs the garbage collector. VPC Flow Logs and auditd are text, so their',
      'baseline is `JSON.parse` of the same records written as NDJSON. Target (issue 4): at',
      'least half the speed of `JSON.parse` (≥ 50%). Dropped as made: ' + verdicts((x) => x.droppedRatio) + '.',
      'As the handler: ' + verdicts((x) => x.ratio) + '.',
      '',
      normalizeMarkdown(r.norm),
      '',
    );
  }

  if (r.s3mem?.length) {
    const first = r.s3mem[0];
    const last = r.s3mem[r.s3mem.length - 1];
    out.push(
      '## S3 log files: memory by file size',
      '',
      'A gzip CloudTrail log file (`{"Records":[…]}`, generated records, distinct event ids) written to a',
      'temporary directory, streamed through the path normalize takes for an S3 object',
      '(`streamRecords` in shared/aws/s3-object-records.ts: gunzip, UTF-8 decoding, `RecordSplitter`;',
      '`normalizeRecord`; `packJson` of the pending events every 5,000 events, as the handler flushes',
      'them) in a fresh Node process per file, whose peak resident set size (`process.resourceUsage().maxRSS`)',
      'is the last column; the file is deleted after. The file is read from disk rather than from moto,',
      'which would hold the whole object in its own memory. On Lambda a file this size also spans',
      'several invocations (continuations, see docs/sources/README.md), which does not change the memory.',
      '',
      s3MemoryMarkdown(r.s3mem),
      '',
      `Target (issue 4): memory flat in file size: ${verdict(last.peakRssMb <= first.peakRssMb * 1.25)} (peak RSS ${first.peakRssMb.toFixed(0)} MB at ${fmt.int(first.bytes / 1048576)} MB, ${last.peakRssMb.toFixed(0)} MB at ${fmt.int(last.bytes / 1048576)} MB).`,
      '',
    );
  }

  if (r.det) {
    const at1k = r.det.rows.find((x) => x.rules === 1_000);
    const at100 = r.det.rows.find((x) => x.rules === 100);
    const at3k = r.det.rows.find((x) => x.rules === 3_000);
    const pc = r.det.processCreation.rows;
    const pc1k = pc.find((x) => x.rules === 1_000);
    const q = r.det.quiet.rows;
    out.push(
      '## Detection',
      '',
      `Input: ${fmt.int(r.det.events)} generated CloudTrail records as one NDJSON text (bare records, as in`,
      '`mdr detect --input file.ndjson`). "`mdr detect`" is what the command does per file',
      '(`OfflineDetector.text` in cli/commands/detect.ts, the command\'s own code): `unwrapText`,',
      '`routeRecord` (the record\'s checks, uid, time and logsource; its OCSF form is mapped only for',
      'an event a rule matched), `RuleSet.evaluateEvent` and one JSON line (finding id and',
      'entities) per match, the lines discarded instead of printed. "evaluate µs/event" is',
      '`RuleSet.evaluate` alone over the already-normalized events. Each rule count runs in a process',
      'of its own (test/bench/detect-worker.ts) holding one rule set and the text, as the command does,',
      'with bare `JSON.parse` of the same text timed in that process between the `mdr detect` runs.',
      r.det.processes > 1
        ? `Each rule count runs in ${r.det.processes} such processes, the rule counts alternated; a row is the process with the median ratio of \`mdr detect\` to \`JSON.parse\` (a single process moves by about ±3 points).`
        : 'One process per rule count (`--processes N` runs N and keeps the median).',
      'All figures are process CPU time (user + system, garbage collection included). The worker times',
      `two rounds of ${r.runs} passes after one untimed pass; the figures and the verdicts are the medians of the second`,
      'round, the steady speed a long run or a warm function sees; "first passes" is the first round\'s, while',
      'V8 is still optimizing the path (one to five passes of 20,000 events; `JSON.parse` needs none).',
      `Bare \`JSON.parse\`: **${fmt.int(r.det.parsePerSec)} events/s** (median over the three rule counts' rows).`,
      '',
      detectMarkdown(r.det),
      '',
      'The rules come from `cloudTrailRule()` in test/bench/generators.ts, seeded, written for this',
      'benchmark: about 55% select one to four `eventName`s of one `eventSource` with an optional',
      'refinement (`userAgent|contains`, `userIdentity.arn|contains`, `sourceIPAddress|startswith`,',
      '`requestParameters.policyArn|endswith`, `errorCode`, `awsRegion|startswith`) and sometimes',
      '`and not filter_*`; 30% are two or three `selection_*` blocks with `eventName|startswith`',
      'lists under `1 of selection_*` (sometimes `and not filter_bot`); 8% add a `|re` selection;',
      '7% select without an event name (root activity per service, error code with a tool user',
      'agent, a user-agent regex, `sourceIPAddress|cidr`) and so cannot be indexed by event name.',
      'Like SigmaHQ, 90% watch change calls (Create, Delete, Put, Stop…) rather than reads. The',
      'traffic draws API calls from the same space of ~2,750 names (34 services × 16 verbs ×',
      'their nouns), skewed towards the first services (EC2 `DescribeInstances` is 7% of it); only',
      '35% of its events are reads, so at 3,000 rules nearly every change call it makes is watched',
      'by some rule and matches grow with the rules (0.02 → 0.73 per event); 3% root, 45% assumed',
      'roles, 6% errors.',
      '',
      'Where the evaluation time goes at 3,000 rules: the same rules split by kind, each subset',
      'compiled and evaluated alone over the same events.',
      '',
      breakdownMarkdown(r.det),
      '',
      '### Added rules that fire on none of the events',
      '',
      'The premise of the 30× target: rules that cannot match an event should cost it almost nothing.',
      'The same traffic and the same first 100 rules; the rules added for 1,000 and 3,000 come from the',
      'same generator (another seed) and are those of its output that fire on none of the events, about',
      'half of it (detect-worker.ts `quietRules`): they watch the same services and calls, and most are',
      "candidates for some events (a watched call with a refinement the event fails); only their matches",
      'are gone.',
      '',
      detectMarkdown(r.det.quiet),
      '',
      '### SigmaHQ-shaped process creation rules',
      '',
      `The same measures over ${fmt.int(r.det.events)} Sysmon EventID 1 records (evtx-dump JSON, NDJSON; bare \`JSON.parse\`:`,
      `**${fmt.int(r.det.processCreation.parsePerSec)} events/s**) and \`windows/process_creation\` rules in the shapes SigmaHQ`,
      'uses for that category, a third of its repository (test/bench/process-creation.ts, written',
      'for this benchmark): half `Image|endswith` or `OriginalFileName` with `CommandLine|contains`',
      'under `all of selection_*`; parent and child image pairs; `CommandLine|contains|all`; an',
      '`Image` with a `CommandLine|re`; bare `CommandLine|contains` lists; 30% with a',
      '`not 1 of filter_main_*` on `Image|startswith`. Rules name ~400 binaries and ~740 command-line',
      'fragments; the traffic is mostly common benign binaries, with watched ones in 15% of the',
      'events and a watched fragment in 5% of the command lines.',
      '',
      detectMarkdown(r.det.processCreation),
      '',
      'Targets (issue 3):',
      '',
      pc.length === 3 ? scalingLine('Process creation, 30× the rules (100 → 3,000) under 1.5× the time per event', pc[0], pc[2]) : '',
      pc1k ? `- Process creation, \`mdr detect\` with 1,000 rules at least half the speed of bare \`JSON.parse\`: ${fmt.pct(pc1k.detectPerSec / pc1k.parsePerSec)}, ${verdict(pc1k.detectPerSec >= pc1k.parsePerSec / 2)} (first passes: ${fmt.pct(pc1k.firstVsParse)}).` : '',
      at1k
        ? `- CloudTrail, \`mdr detect\` with 1,000 rules at least half the speed of bare \`JSON.parse\`: ${fmt.int(at1k.detectPerSec)} vs ${fmt.int(at1k.parsePerSec)} events/s = ${fmt.pct(at1k.detectPerSec / at1k.parsePerSec)}, ${verdict(at1k.detectPerSec >= at1k.parsePerSec / 2)} (first passes: ${fmt.pct(at1k.firstVsParse)}).`
        : '',
      q.length === 3
        ? scalingLine('CloudTrail, 30× the rules (100 → 3,000) under 1.5× the time per event, the added rules firing on none of the events', q[0], q[2])
        : '',
      at100 && at3k
        ? scalingLine(`CloudTrail, 30× the rules (100 → 3,000) under 1.5× the time per event, matches growing with them (${at100.matchesPerEvent.toFixed(2)} → ${at3k.matchesPerEvent.toFixed(2)} per event)`, at100, at3k)
        : '',
      at1k ? `- Beat 19–99k events/s per core (published Rust engine, 3,132 rules): ${fmt.int(at3k?.detectPerSec ?? at1k.detectPerSec)} events/s at 3,000 rules, full path including normalization.` : '',
      '',
    );
  }

  if (r.cold) {
    const ext = r.cold.rows.filter((x) => x.variant === 'sdk bundled' && !x.fn.startsWith('floor') && !Number.isNaN(x.initMs));
    const maxBytes = Math.max(...ext.map((x) => x.bytes));
    const maxInit = Math.max(...ext.map((x) => x.initMs));
    const maxCpu = Math.max(...ext.map((x) => x.initCpuMs));
    const compiles = ext.filter((x) => x.firstBatchCompileMs !== undefined);
    out.push(
      '## Cold start',
      '',
      'Each `functions/*/index.ts` bundled with esbuild exactly as the stacks bundle it (`functionBuildOptions`,',
      '`infra/defaults/bundle.ts`: `target: node22`, CommonJS, minified, a linked source map without the',
      'sources\' text, the SDK schemas reduced to the operations sent): "bundled (as deployed)" takes the',
      'AWS SDK from its ESM builds with the environment credential provider, leaving out only a stage\'s',
      '`runtimeModules` (respond\'s EC2 client, required on its first quarantine; decision 0009); "external"',
      'leaves all of `@aws-sdk/*` to the runtime\'s copy (resolved here from node_modules), for comparison.',
      '"module init" is the time `require()` of the bundle takes in a fresh `node` process started with the',
      'function\'s `NODE_OPTIONS` (`--max-semi-space-size=32` for normalize and detect, none for the others;',
      'no function has `--enable-source-maps`, decision 0010): reading its environment, constructing clients',
      'and, for detect, reading the rules artifact; "init CPU" is the CPU time of the same, all threads,',
      `steadier than wall time on a shared machine. Medians of ${r.cold.runs} loads, one load of every bundle per round,`,
      'so other work on the machine falls on all rows alike. Every variable the module reads is set to a dummy value,',
      'detect\'s rules bucket included (deployed, it always has one), and `AWS_ENDPOINT_URL` to',
      '`http://127.0.0.1:1`; no module calls anything at load. "process start → ready" adds Node\'s own',
      'start-up. Lambda adds its own sandbox start and runs Node 22 on arm64, so treat these as relative',
      `figures. detect is measured with the shipped \`rules/\` (${r.cold.rulesInArtifact} files) and with 1,000 generated rules.`,
      '',
      coldMarkdown(r.cold.rows),
      '',
      ...(compiles.length
        ? [
            `detect's first batch reads the artifact from S3 and compiles it, as it did before; the cold start no longer compiles the bundled copy too (decision 0010). That compile, timed in the process that loaded the bundle: ${compiles.map((x) => `${x.note} ${fmt.ms(x.firstBatchCompileMs ?? NaN)} ms`).join(', ')}.`,
            '',
          ]
        : []),
      `Targets (issue 8), as deployed (SDK bundled): every bundle under 500 KB: ${verdict(maxBytes < 500_000)} (largest ${fmt.kb(maxBytes)} KiB); every module`,
      `initialisation under 100 ms: ${verdict(maxInit < 100)} (slowest ${fmt.ms(maxInit)} ms; CPU time at most ${fmt.ms(maxCpu)} ms).`,
      '',
    );
  }

  if (r.e2e || r.e2eError) {
    out.push('## End-to-end latency (local runtime)', '');
    if (r.e2e) {
      out.push(
        'One CloudTrail `StopLogging` event (a distinct user each run, so each opens its own case)',
        'put on the default bus in moto, through every stage\'s real handler behind the local',
        'pollers (local/poller.ts, which behave like the Lambda SQS event source mapping with the',
        'catalogue\'s batch sizes and batching windows), until the loopback webhook receiver has',
        'the signed notification. Columns after the total say when each stage was first invoked,',
        'counted from the put.',
        '',
        e2eMarkdown(r.e2e),
        '',
      );
    } else {
      out.push(`Not measured in this run: ${r.e2eError}`, '');
    }
    out.push(
      'The stage settings that decide it (shared/catalogue.ts `STAGES`):',
      '',
      windowsMarkdown(),
      '',
      'Where the time goes, and the settings that trade latency for cost:',
      '',
      `- **normalize and detect batching windows** (${STAGES.normalize.maxBatchingWindowSeconds} s each, batch size ${STAGES.normalize.batchSize}). With a window, the event`,
      '  source mapping waits up to the window for a fuller batch, so a lone event waits about a',
      '  window at each of the two telemetry stages. That is the largest part of the latency',
      '  above. A longer window (up to 300 s) fills batches better at low volume: fewer',
      '  invocations, fewer and fuller detect-queue messages (more events per 64 KiB request),',
      '  so lower Lambda and SQS cost per event, at the price of latency. At high volume batches',
      '  fill before the window ends and the window costs nothing. Setting it to 0 (Lambda',
      '  allows it only with batch size ≤ 10) gives the lowest latency and the most invocations.',
      '- **cases, escalate and notify** have no window and small batches (10, 10, 5): once a',
      '  finding exists, nothing waits on purpose. They are few per event (findings are rare),',
      '  so they cost little either way.',
      '- **the rest** is SQS polling (the local poller long-polls 1 s, as the event source mapping',
      '  long-polls), EventBridge → SQS delivery for the two bus hops (detect → cases, cases →',
      '  escalate), moto\'s own request latency, and the handlers themselves (milliseconds).',
      '- **escalation tiers** (`delaySeconds` of the policy\'s first tier, 0 by default) add',
      '  their delay on top, by design.',
      '',
    );
  }

  if (r.batch) {
    out.push(
      '## Bytes and requests per batch',
      '',
      'For 1,000 events of each source: normalize\'s own packing (`packJson`, ≤ 252 KiB per message)',
      'of the telemetry events onto the detect queue, and the SQS requests that costs, counted as',
      'SQS bills them (each 64 KiB chunk of a request\'s payload is one request). Sends are grouped',
      'as `sendMessages` groups them (≤ 10 messages and ≤ 256 KiB per SendMessageBatch); receives',
      'as the event source mapping receives them (up to 10 messages per ReceiveMessage); deletes',
      'are one DeleteMessageBatch per 10 messages. Empty receives of idle pollers are a fixed',
      'cost per queue, not per event, and are not counted. "inbound" is the normalize queue: one',
      'EventBridge delivery per CloudTrail event, or one SQS message per 100 records for sources',
      'sent in bulk.',
      '',
      batchingMarkdown(r.batch),
      '',
    );
    if (r.norm || r.det) {
      const rows: string[][] = [];
      for (const n of r.norm ?? []) {
        rows.push([`normalize, ${n.source} (${n.shape.split(',')[0]})`, fmt.int(n.normalizePerSec), fmt.ms(1e6 / n.normalizePerSec, 1)]);
      }
      for (const d of r.det?.rows ?? []) rows.push([`detect (evaluate only), ${fmt.int(d.rules)} rules`, fmt.int(1e6 / d.evaluateUs), fmt.ms(d.evaluateUs, 1)]);
      out.push(
        'Compute per million events, single core, from the throughput above (CPU only; add SQS and',
        'EventBridge round trips, which a batch of 100 messages amortizes):',
        '',
        table(['work', 'events/s', 'CPU-seconds per million events'], rows),
        '',
      );
    }
  }
  return out.filter((l, i, xs) => !(l === '' && xs[i - 1] === '')).join('\n') + '\n';
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
