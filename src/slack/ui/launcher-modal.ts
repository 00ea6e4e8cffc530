import type { OperationInfo } from '../../core/operations/contract';
import { ACTIONS, VIEWS } from '../ids';
import { LIMITS, type ModalView, option, plain, section } from './blocks';
import type { ModalMetadata } from './operation-modal';

export interface LauncherGroup {
  systemName: string;
  operations: OperationInfo[];
}

/** `/ops` alone: pick a system's operation, then its own modal replaces this one. */
export function launcherModal(groups: LauncherGroup[], channelId: string): ModalView {
  const usable = groups.filter((g) => g.operations.length > 0);
  const metadata: Omit<ModalMetadata, 'operationId'> = { channelId };
  if (usable.length === 0) {
    return {
      type: 'modal',
      callback_id: VIEWS.launcher,
      title: plain('Flightdeck', LIMITS.modalTitle),
      close: plain('Close', LIMITS.modalButton),
      blocks: [
        section('No system is configured yet, so there is nothing to launch. `/ops help` lists the systems.'),
      ],
    };
  }
  return {
    type: 'modal',
    callback_id: VIEWS.launcher,
    title: plain('Flightdeck', LIMITS.modalTitle),
    submit: plain('Next', LIMITS.modalButton),
    close: plain('Cancel', LIMITS.modalButton),
    private_metadata: JSON.stringify(metadata),
    blocks: [
      {
        type: 'input',
        block_id: 'operation',
        label: plain('What do you want to run?'),
        element: {
          type: 'static_select',
          action_id: ACTIONS.launcherPick,
          option_groups: usable.slice(0, 100).map((g) => ({
            label: plain(g.systemName, 75),
            options: g.operations.slice(0, 100).map((op) => option(op.id, op.title)),
          })),
        },
      },
    ],
  };
}
