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

/** The policy operation that governs claiming and finishing a job's manual task from Slack. */
export const TASK_OPERATION_ID = `${SYSTEM_ID}.task`;

export const definition: SystemDefinition = {
  id: SYSTEM_ID,
  name: SYSTEM_NAME,
  operations: [START_INFO],
  queries: [],
};
