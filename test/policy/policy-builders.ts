import type { AccessKeyPolicy, PolicyStatement } from '../../src/policy/policy-document.js';

/** Parsed policies for tests, written as briefly as the cases need. */
export const policy = (Status: 'Active' | 'Inactive', ...Statements: PolicyStatement[]): AccessKeyPolicy => ({
  Version: 1,
  Status,
  Statements,
});
export const classic = (...IPList: string[]): PolicyStatement => ({ Type: 'ClassicWhiteList', IPList });
export const vpc = (Value: string, ...IPList: string[]): PolicyStatement => ({
  Type: 'VPCWhiteList',
  Value,
  IPList,
});
