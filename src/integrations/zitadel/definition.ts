import type { OperationInfo, QueryInfo, SystemDefinition } from '../../core/operations/contract';

export const SYSTEM_ID = 'zitadel';
export const SYSTEM_NAME = 'Zitadel';

export const SET_EXECUTION_INFO: OperationInfo = {
  id: 'zitadel.set-execution',
  system: SYSTEM_ID,
  verb: 'set-execution',
  title: 'Set a Zitadel execution',
  usage: '',
};

export const EXECUTIONS_INFO: QueryInfo = {
  id: 'zitadel.executions',
  system: SYSTEM_ID,
  verb: 'executions',
  title: 'Zitadel executions',
  usage: '[filter]',
};

export const definition: SystemDefinition = {
  id: SYSTEM_ID,
  name: SYSTEM_NAME,
  operations: [SET_EXECUTION_INFO],
  queries: [EXECUTIONS_INFO],
};
