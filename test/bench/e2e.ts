/**
 * End-to-end latency in the local runtime: one CloudTrail StopLogging event
 * put on the default bus (moto), through normalize → detect → cases →
 * escalate → notify, until the loopback webhook receiver has the signed
 * notification. Each stage's first invocation after the put is recorded, so
 * the doc can say where the time goes.
 */
import { join } from 'node:path';
import { STAGE_IDS, STAGES, type StageId } from '../../shared/catalogue';
import { localAwsEnv, startMoto } from '../../local/moto';
import type { StageHandler } from '../../local/poller';
import { LocalRuntime } from '../../local/runtime';
import { repoRoot } from './coldstart';
import { fmt, median, table } from './measure';

export interface E2eRun {
  totalMs: number;
  /** ms after the put at which each stage was first invoked. */
  stages: Partial<Record<StageId, number>>;
}

export interface E2eResult {
  runs: E2eRun[];
  medianMs: number;
  medianStages: Partial<Record<StageId, number>>;
}

function stopLogging(k: number, now: Date): Record<string, unknown> {
  const user = `bench-user-${k}-${now.getTime().toString(36)}`;
  return {
    eventVersion: '1.09',
    userIdentity: { type: 'IAMUser', principalId: `AIDABENCH${k}`, arn: `arn:aws:iam::111122223333:user/${user}`, accountId: '111122223333', accessKeyId: `AKIABENCH${k}`, userName: user },
    eventTime: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: 'cloudtrail.amazonaws.com',
    eventName: 'StopLogging',
    awsRegion: 'us-east-1',
    sourceIPAddress: `198.51.100.${(k % 250) + 1}`,
    userAgent: 'aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22',
    requestParameters: { name: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/management' },
    responseElements: null,
    requestID: `00000000-0000-4000-8000-${String(k).padStart(12, '0')}`,
    eventID: `11111111-0000-4000-8000-${now.getTime().toString(16).padStart(12, '0').slice(-12)}`,
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: '111122223333',
    eventCategory: 'Management',
  };
}

export async function benchE2e(o: { quick: boolean; log: (l: string) => void }): Promise<E2eResult> {
  const moto = await startMoto({ reuseEnv: false });
  Object.assign(process.env, localAwsEnv(moto.endpoint));
  const invocations: Array<{ stage: StageId; at: number }> = [];
  const wrap = (stage: StageId, h: StageHandler): StageHandler => (event, context) => {
    invocations.push({ stage, at: Date.now() });
    return h(event, context);
  };
  let runtime: LocalRuntime | undefined;
  const runs: E2eRun[] = [];
  try {
    runtime = await LocalRuntime.start({ prefix: `mdr-bench-${Date.now().toString(36)}`, rulePaths: [join(repoRoot(), 'rules')], wrapHandler: wrap });
    runtime.startPolling();
    const n = o.quick ? 3 : 6;
    for (let k = 0; k < n; k++) {
      const before = runtime.sink.deliveries.length;
      const now = new Date();
      const detail = stopLogging(k, now);
      const t0 = Date.now();
      await runtime.putEvents([{ Source: 'aws.cloudtrail', DetailType: 'AWS API Call via CloudTrail', Detail: JSON.stringify(detail), Resources: [] }]);
      const deadline = t0 + 60_000;
      while (runtime.sink.deliveries.length === before) {
        if (Date.now() > deadline) throw new Error('no notification within 60 s');
        await new Promise((r) => setTimeout(r, 5));
      }
      const got = runtime.sink.deliveries[before];
      const stages: Partial<Record<StageId, number>> = {};
      for (const s of STAGE_IDS) {
        const first = invocations.find((i) => i.stage === s && i.at >= t0);
        if (first) stages[s] = first.at - t0;
      }
      runs.push({ totalMs: got.receivedAt - t0, stages });
      o.log(`e2e run ${k + 1}: ${got.receivedAt - t0} ms (normalize +${stages.normalize}, detect +${stages.detect}, cases +${stages.cases}, escalate +${stages.escalate}, notify +${stages.notify})`);
      // Let the pipeline drain (deletes, case event fan-out) before the next event.
      await runtime.waitForDrain(30_000);
    }
  } finally {
    await runtime?.stop();
    await moto.stop();
  }
  // The first run pays module warm-up (SDK connections, first compile of each path); report it but take the median of all.
  const medianStages: Partial<Record<StageId, number>> = {};
  for (const s of ['normalize', 'detect', 'cases', 'escalate', 'notify'] as const) {
    const xs = runs.map((r) => r.stages[s]).filter((x): x is number => x !== undefined);
    if (xs.length) medianStages[s] = median(xs);
  }
  return { runs, medianMs: median(runs.map((r) => r.totalMs)), medianStages };
}

export function e2eMarkdown(r: E2eResult): string {
  const s = r.medianStages;
  const rows = r.runs.map((x, i) => [String(i + 1), fmt.int(x.totalMs), ...(['normalize', 'detect', 'cases', 'escalate', 'notify'] as const).map((st) => (x.stages[st] === undefined ? '–' : fmt.int(x.stages[st] as number)))]);
  rows.push(['**median**', `**${fmt.int(r.medianMs)}**`, ...(['normalize', 'detect', 'cases', 'escalate', 'notify'] as const).map((st) => (s[st] === undefined ? '–' : fmt.int(s[st] as number)))]);
  return table(['run', 'put → webhook received (ms)', 'normalize invoked (+ms)', 'detect invoked', 'cases invoked', 'escalate invoked', 'notify invoked'], rows);
}

export function windowsMarkdown(): string {
  return table(
    ['stage', 'batch size', 'batching window (s)', 'timeout (s)', 'memory (MB)'],
    STAGE_IDS.map((id) => [id, STAGES[id].batchSize, STAGES[id].maxBatchingWindowSeconds, STAGES[id].timeoutSeconds, STAGES[id].memoryMb]),
  );
}
