import { brokenInvariants, runChaos, type ChaosResult } from './chaos';

/**
 * The pipeline under injected faults (duplicated and reordered SQS delivery,
 * DynamoDB throttling, crashes mid-batch, failing channels, a kill and
 * restart mid-escalation) loses nothing and doubles nothing. CI size unless
 * CHAOS_SIZE=large.
 */
describe('chaos: the pipeline under faults on moto', () => {
  let result: ChaosResult;
  const lines: string[] = [];

  beforeAll(async () => {
    // The functions write CloudWatch EMF metrics as JSON lines on stdout: noise here.
    const log = console.log;
    jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].startsWith('{"_aws"')) return;
      log(...args);
    });
    result = await runChaos({ size: process.env.CHAOS_SIZE === 'large' ? 'large' : 'ci', seed: process.env.CHAOS_SEED ? Number(process.env.CHAOS_SEED) : undefined, log: (l) => lines.push(l) });
    process.stdout.write(`${lines.join('\n')}\n`);
  }, 900_000);

  it('ran the input through with every kind of fault injected', () => {
    expect(result.events).toBeGreaterThan(0);
    expect(result.expectedCases).toBeGreaterThan(0);
    for (const kind of ['dynamo.', 'channel.', 'handler.crash_mid_batch', 'handler.poison_refused', 'runtime.killed', 'sqs.extra_deliveries', 'sqs.held_back']) {
      expect(Object.entries(result.faults).some(([k, v]) => k.startsWith(kind) && v > 0)).toBe(true);
    }
    expect(result.faults['runtime.not_restarted']).toBeUndefined();
  });

  it('loses no case, opens none twice and takes every alert in exactly once', () => {
    expect({ casesLost: result.casesLost, casesDuplicated: result.casesDuplicated, alertsMismatched: result.alertsMismatched }).toEqual({
      casesLost: 0,
      casesDuplicated: 0,
      alertsMismatched: 0,
    });
    expect(result.cases).toBe(result.expectedCases);
  });

  it('pages every due tier of every unacknowledged case, each page once, across the restart', () => {
    expect({ pagesDuplicated: result.pagesDuplicated, escalationsLost: result.escalationsLost }).toEqual({ pagesDuplicated: 0, escalationsLost: 0 });
    expect(result.pages).toBeGreaterThan(0);
  });

  it('dead-letters only the poison record it injected', () => {
    expect(result.dlqUnexplained).toBe(0);
    expect(result.deadLettered).toBe(1);
  });

  it('prints the summary last, and it holds', () => {
    expect(lines[lines.length - 1]).toBe(result.line);
    expect(result.line).toMatch(/^chaos: events=\d+ cases_lost=0 cases_duplicated=0 pages_duplicated=0 escalations_lost=0 dlq_unexplained=0$/);
    expect(brokenInvariants(result)).toEqual([]);
  });
});
