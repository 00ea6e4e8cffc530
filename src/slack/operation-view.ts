import type { FormContext, Operation } from '../core/operations/contract';
import type { Registry } from '../core/operations/registry';
import { operationModal, type ModalMetadata } from './ui/operation-modal';
import type { ModalView } from './ui/blocks';

/** The modal for one operation in one channel. Pure apart from asking the operation for its fields. */
export function operationView(
  registry: Registry,
  op: Operation,
  channelId: string,
  ctx: FormContext,
): ModalView {
  const metadata: ModalMetadata = { operationId: op.id, channelId };
  return operationModal(op, op.fields(ctx), metadata, {
    systemName: registry.systemName(op.system),
    reviewsFirst: op.preview !== undefined,
  });
}
