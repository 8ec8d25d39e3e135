import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { unwrapText } from '../../../shared/normalize/envelopes';
import { builtInSources, normalizeBatch } from '../../../shared/normalize/registry';
import { expectValid, FIXTURES, fixtureText } from './helpers';

/** Which built-in source each fixture directory's records belong to. */
const EXPECTED: Record<string, string> = {
  cloudtrail: 'aws.cloudtrail',
  guardduty: 'aws.guardduty',
  securityhub: 'aws.securityhub',
  vpcflow: 'aws.vpcflow',
  route53resolver: 'aws.route53resolver',
  okta: 'okta',
  windows: 'windows',
  linux: 'linux',
  crowdstrike: 'crowdstrike.falcon',
  defender: 'microsoft.defender',
};

describe('every fixture', () => {
  for (const [dir, id] of Object.entries(EXPECTED)) {
    for (const file of readdirSync(join(FIXTURES, dir))) {
      test(`${dir}/${file}: recognized by ${id} only, mapped to valid OCSF`, () => {
        const { records, failures } = unwrapText(fixtureText(dir, file));
        expect(failures).toEqual([]);
        expect(records.length).toBeGreaterThan(0);
        for (const r of records) {
          expect(builtInSources.filter((s) => s.recognize(r)).map((s) => s.id)).toEqual([id]);
        }
        const { events, failures: nf } = normalizeBatch(records);
        expect(nf).toEqual([]);
        expectValid(events);
        // The envelope is serializable as NDJSON (what `mdr normalize` prints).
        for (const e of events) expect(() => JSON.stringify(e)).not.toThrow();
      });
    }
  }

  test('declarative fixtures are not claimed by any built-in source', () => {
    for (const file of readdirSync(join(FIXTURES, 'declarative')).filter((f) => f.endsWith('.ndjson'))) {
      for (const r of unwrapText(fixtureText('declarative', file)).records) {
        expect(builtInSources.filter((s) => s.recognize(r))).toEqual([]);
      }
    }
  });
});
