import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { localAwsEnv, MOTO_INSTALL_HINT, startMoto } from './moto';
import { demonstrateResponse } from './demo-response';
import { LocalRuntime } from './runtime';

interface SampleEnvelope {
  source: string;
  'detail-type': string;
  time?: string;
  resources?: string[];
  detail: unknown;
}

const SAMPLES = join(__dirname, '..', '..', 'samples');

function samplesDir(): string {
  // Run from dist/local (npm start) or from the source tree (tests).
  for (const dir of [SAMPLES, join(__dirname, '..', 'samples'), 'samples']) {
    try {
      readdirSync(dir);
      return dir;
    } catch {
      // try the next
    }
  }
  throw new Error('samples/ folder not found');
}

/** Replays the bundled sample telemetry: CloudTrail events on the default bus, bad records straight to normalize. */
export async function replaySamples(runtime: LocalRuntime, dir = samplesDir()): Promise<{ events: number; bad: number }> {
  const cloudtrail = JSON.parse(readFileSync(join(dir, 'cloudtrail', 'eventbridge-events.json'), 'utf8')) as SampleEnvelope[];
  await runtime.putEvents(
    cloudtrail.map((e) => ({
      Source: e.source,
      DetailType: e['detail-type'],
      Detail: JSON.stringify(e.detail),
      Resources: e.resources ?? [],
      ...(e.time ? { Time: new Date(e.time) } : {}),
    })),
  );
  const badFiles = readdirSync(join(dir, 'bad')).sort();
  for (const f of badFiles) await runtime.sendRaw('normalize', readFileSync(join(dir, 'bad', f), 'utf8'));
  return { events: cloudtrail.length, bad: badFiles.length };
}

/** Shows the on-call path: the first page's ack link, opened (GET changes nothing) and confirmed (POST). */
async function demonstrateAckLink(runtime: LocalRuntime): Promise<void> {
  const first = runtime.sink.deliveries.find((d) => typeof (d.body.case as { ackUrl?: string }).ackUrl === 'string');
  if (!first) return;
  const c = first.body.case as { id: string; ackUrl: string };
  const page = await fetch(c.ackUrl);
  const confirm = await fetch(c.ackUrl, { method: 'POST', redirect: 'manual' });
  const after = (await (await fetch(`${runtime.api.url}/cases/${c.id}`)).json()) as { case?: { status: string } };
  console.log(`ack link for ${c.id}: GET ${page.status} (confirm page), POST ${confirm.status} → case ${after.case?.status ?? 'unknown'}`);
}

async function main(): Promise<void> {
  const once = process.argv.includes('--once');
  let moto;
  try {
    moto = await startMoto();
  } catch (e) {
    console.error((e as Error).message === MOTO_INSTALL_HINT ? MOTO_INSTALL_HINT : `could not start moto_server: ${(e as Error).message}`);
    process.exit(2);
  }
  Object.assign(process.env, localAwsEnv(moto.endpoint));
  console.log(`moto: ${moto.endpoint}`);
  const runtime = await LocalRuntime.start({ prefix: `mdr-local-${Date.now().toString(36)}` });
  console.log(`resources: bus ${runtime.resources.busName}, table ${runtime.resources.tableName}, rules ${runtime.rulesDigest}`);
  console.log(`webhook receiver: ${runtime.sink.url}`);
  console.log(`case API: ${runtime.api.url}  (try: npx mdr cases list --api ${runtime.api.url})`);
  runtime.startPolling();
  const replayed = await replaySamples(runtime);
  console.log(`replayed ${replayed.events} CloudTrail events and ${replayed.bad} malformed records`);

  const shutdown = async () => {
    await runtime.stop();
    await moto.stop();
  };
  await runtime.waitForDrain(120_000);
  const summary = await runtime.summary();
  for (const d of runtime.sink.deliveries) {
    const c = d.body.case as { severity: string; title: string; id: string };
    console.log(`notification ${d.deliveryId.slice(0, 12)}: [${c.severity}] ${c.title} (${c.id})`);
  }
  await demonstrateAckLink(runtime);
  await demonstrateResponse(runtime);
  console.log(
    `events in: ${summary.events}, findings: ${summary.findings}, cases opened: ${summary.cases}, notifications sent: ${summary.notifications}, quarantined: ${summary.quarantined}, dead-lettered: ${summary.deadLettered}`,
  );
  if (once) {
    await shutdown();
    console.log(JSON.stringify(summary));
    return;
  }
  console.log('running; Ctrl-C to stop');
  process.once('SIGINT', () => void shutdown().then(() => process.exit(0)));
  process.once('SIGTERM', () => void shutdown().then(() => process.exit(0)));
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
