import type { OperationInfo, SystemDefinition } from '../../core/operations/contract';

export const SYSTEM_ID = 'itential';
export const SYSTEM_NAME = 'Itential';

export const START_INFO: OperationInfo = {
  id: 'itential.start',
  system: SYSTEM_ID,
  verb: 'start',
  title: 'Start an Itential job',
  usage: '[workflow]',
};

export const definition: SystemDefinition = {
  id: SYSTEM_ID,
  name: SYSTEM_NAME,
  operations: [START_INFO],
  queries: [],
};
