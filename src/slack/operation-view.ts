import type { FormContext, Operation } from '../core/operations/contract';
import type { Registry } from '../core/operations/registry';
import { operationModal, type ModalMetadata } from './ui/operation-modal';
import type { ModalView } from './ui/blocks';
import { rerunNotice } from './ui/run-actions';

/** The modal for one operation in one channel. Pure apart from asking the operation for its fields. */
export function operationView(
  registry: Registry,
  op: Operation,
  channelId: string,
  ctx: FormContext,
  rerun?: { rerunOf: string; secretsBlanked: boolean },
): ModalView {
  const metadata: ModalMetadata = {
    operationId: op.id,
    channelId,
    ...(rerun ? { rerunOf: rerun.rerunOf } : {}),
  };
  return operationModal(op, op.fields(ctx), metadata, {
    systemName: registry.systemName(op.system),
    reviewsFirst: op.preview !== undefined,
    ...(rerun ? { notice: rerunNotice(rerun.rerunOf, rerun.secretsBlanked) } : {}),
  });
}
