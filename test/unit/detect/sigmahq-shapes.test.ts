/**
 * Rule shapes met in public SigmaHQ rules while checking that they load
 * unmodified (docs/detection.md, "Loading SigmaHQ rules"). Every rule text
 * here is written for this test in the same shape; none is SigmaHQ text.
 */
import { lintRules } from '../../../shared/detect/sigma/lint';
import { loadError, matcher } from './sigma/helpers';

const lintOne = (text: string) => lintRules([{ path: 'shape.yml', text }]);

describe('a condition pattern that matches no search identifier', () => {
  // Shape: a filter whose name was misspelt, so `not 1 of filter_main_*` covers nothing.
  const detection = `
selection:
  Path|endswith: '\\tool.exe'
filter_main)typo:
  Parent: 'C:\\trusted.exe'
condition: selection and not 1 of filter_main_*`;

  test('is left out with its not, as pySigma does: the rule is the selection alone', () => {
    const m = matcher(detection);
    expect(m({ Path: 'C:\\x\\tool.exe' })).toBe(true);
    expect(m({ Path: 'C:\\x\\tool.exe', Parent: 'C:\\trusted.exe' })).toBe(true);
    expect(m({ Path: 'C:\\x\\other.exe' })).toBe(false);
  });

  test('lint loads it and warns that the pattern is left out', () => {
    const text = `title: t\nid: shape-1\nlogsource:\n  product: test\ndetection:\n${detection.replace(/^\n/, '').replace(/^/gm, '  ')}\n`;
    const [res] = lintOne(text);
    expect(res.status).toBe('ok');
    expect(res.warnings).toEqual([expect.stringMatching(/'filter_main_\*' matches no search identifier and is left out/)]);
  });

  test('an empty pattern inside and/or is dropped, the rest still applies', () => {
    const m = matcher(`
sel_a:
  A: 1
sel_b:
  B: 1
condition: (sel_a or 1 of nothing_*) and (sel_b or all of none_*)`);
    expect(m({ A: 1, B: 1 })).toBe(true);
    expect(m({ A: 1 })).toBe(false);
  });

  test('a condition with nothing left is still a load error', () => {
    expect(loadError(`
sel_a:
  A: 1
condition: 1 of other_* or not all of none_*`)).toMatch(/'other_\*', 'none_\*' match no search identifier, so nothing is left to match/);
  });
});

describe('expand on a modifier that reads the value whole', () => {
  // Shape: a management-network placeholder whose values are CIDR networks (`src_ip|cidr|expand`).
  const detection = `
selection:
  proto: udp
  src_ip|cidr|expand: '%mgmt_nets%'
condition: selection`;

  test('cidr|expand takes the placeholder values as networks (IPv4 and IPv6)', () => {
    const m = matcher(detection, { placeholders: { mgmt_nets: ['10.20.0.0/16', '2001:db8:20::/48'] } });
    expect(m({ proto: 'udp', src_ip: '10.20.7.1' })).toBe(true);
    expect(m({ proto: 'udp', src_ip: '2001:db8:20::9' })).toBe(true);
    expect(m({ proto: 'udp', src_ip: '10.21.7.1' })).toBe(false);
  });

  test('without configured values it is unsupported, not an error', () => {
    const [res] = lintOne(`title: t\nid: shape-2\nlogsource:\n  product: test\ndetection:\n${detection.replace(/^\n/, '').replace(/^/gm, '  ')}\n`);
    expect(res).toMatchObject({ status: 'unsupported', reason: expect.stringMatching(/placeholder %mgmt_nets% has no configured values/) });
  });

  test('re|expand substitutes the placeholder text into the expression', () => {
    const m = matcher(
      `
selection:
  host|re|expand: '^%site%-srv[0-9]+$'
condition: selection`,
      { placeholders: { site: ['par', 'ber'] } },
    );
    expect(m({ host: 'ber-srv12' })).toBe(true);
    expect(m({ host: 'lon-srv12' })).toBe(false);
  });
});
