import type { OperationInfo, QueryInfo, SystemDefinition } from '../../core/operations/contract';

export const SYSTEM_ID = 'iacm';
export const SYSTEM_NAME = 'Harness IaCM';

export const RUN_INFO: OperationInfo = {
  id: `${SYSTEM_ID}.run`,
  system: SYSTEM_ID,
  verb: 'run',
  title: 'Create an IaCM module execution',
  usage: '[module]',
};

/** The policy operation that governs approving a followed pipeline's Harness Approval from Slack. */
export const APPROVE_OPERATION_ID = `${SYSTEM_ID}.approve`;

export const EXECUTIONS_INFO: QueryInfo = {
  id: `${SYSTEM_ID}.executions`,
  system: SYSTEM_ID,
  verb: 'executions',
  title: 'Recent executions of an IaCM module',
  usage: '<module>',
};

export const definition: SystemDefinition = {
  id: SYSTEM_ID,
  name: SYSTEM_NAME,
  operations: [RUN_INFO],
  queries: [EXECUTIONS_INFO],
};
