import { Template } from 'aws-cdk-lib/assertions';
import { customerConfig, providerConfig, stableTemplate, testApp } from './helpers';

// One snapshot per stack, asset hashes and the rules digest replaced: a
// review shows every change to the deployed resources. Update with
// `npx jest --selectProjects infra -u` when a change is intended.
describe('snapshots', () => {
  const { stacks } = testApp([customerConfig()], providerConfig());

  test('customer stack', () => {
    expect(stableTemplate(Template.fromStack(stacks.customers[0]))).toMatchSnapshot();
  });

  test('provider stack', () => {
    expect(stableTemplate(Template.fromStack(stacks.provider!))).toMatchSnapshot();
  });
});
