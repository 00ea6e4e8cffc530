import type {
  Choice,
  FieldErrors,
  FormField,
  FormValues,
  OperationInfo,
  Preview,
  PreviewMark,
  PreviewRow,
} from '../../core/operations/contract';
import { refreshActionId, VIEWS } from '../ids';
import {
  context,
  escapeMrkdwn,
  type InputBlockElement,
  type KnownBlock,
  LIMITS,
  type ModalView,
  mrkdwn,
  option,
  plain,
  section,
  truncate,
} from './blocks';
import { mrkdwnText } from './text';

export const fieldActionId = (field: FormField) =>
  field.refreshOnChange ? refreshActionId(field.id) : `fd.field.${field.id}`;

const choiceOption = (choice: Choice) => option(choice.value, choice.label, choice.description);

function element(field: FormField): InputBlockElement {
  const action_id = fieldActionId(field);
  const placeholder = field.placeholder ? { placeholder: plain(field.placeholder, 150) } : {};
  switch (field.kind) {
    case 'text':
    case 'multiline':
      return {
        type: 'plain_text_input',
        action_id,
        multiline: field.kind === 'multiline',
        ...(field.maxLength ? { max_length: Math.min(field.maxLength, 3000) } : {}),
        ...(field.initial ? { initial_value: field.initial } : {}),
        ...placeholder,
      };
    case 'select': {
      const options = field.choices.slice(0, 100).map(choiceOption);
      const initial = options.find((o) => o.value === field.initial);
      return {
        type: 'static_select',
        action_id,
        options,
        ...(initial ? { initial_option: initial } : {}),
        ...placeholder,
      };
    }
    case 'search':
      return {
        type: 'external_select',
        action_id,
        min_query_length: field.minQueryLength ?? 0,
        ...(field.initial ? { initial_option: choiceOption(field.initial) } : {}),
        ...placeholder,
      };
    case 'multi_search':
      return {
        type: 'multi_external_select',
        action_id,
        min_query_length: field.minQueryLength ?? 0,
        ...(field.initial && field.initial.length > 0
          ? { initial_options: field.initial.map(choiceOption) }
          : {}),
        ...(field.maxSelected ? { max_selected_items: field.maxSelected } : {}),
        ...placeholder,
      };
  }
}

/** A field as an input block whose block id is the field's id. */
export function inputBlock(field: FormField): KnownBlock {
  return {
    type: 'input',
    block_id: field.id,
    label: plain(field.label, LIMITS.plainLabel),
    optional: field.optional === true,
    dispatch_action: field.refreshOnChange === true,
    element: element(field),
    ...(field.hint ? { hint: plain(field.hint, LIMITS.plainLabel) } : {}),
  };
}

/** What a modal carries between requests; Slack returns it untouched on submit. */
export interface ModalMetadata {
  operationId: string;
  channelId: string;
  /** The run this form re-runs, when its Re-run button opened it. */
  rerunOf?: string;
}

export interface OperationModalOptions {
  systemName: string;
  /** Operations that preview their change say "Review" rather than "Start". */
  reviewsFirst: boolean;
  /** Shown above the fields (e.g. a system that is down). */
  notice?: string;
}

/** The operation's form as a modal. */
export function operationModal(
  op: OperationInfo,
  fields: FormField[],
  metadata: ModalMetadata,
  { systemName, reviewsFirst, notice }: OperationModalOptions,
): ModalView {
  const blocks: KnownBlock[] = [context(`${escapeMrkdwn(systemName)} · runs in <#${metadata.channelId}>`)];
  if (notice) blocks.push(section(`:warning: ${escapeMrkdwn(notice)}`));
  blocks.push(...fields.slice(0, LIMITS.viewBlocks - blocks.length).map(inputBlock));
  return {
    type: 'modal',
    callback_id: VIEWS.operation,
    title: plain(truncate(op.title, LIMITS.modalTitle), LIMITS.modalTitle),
    submit: plain(reviewsFirst ? 'Review' : 'Start', LIMITS.modalButton),
    close: plain('Cancel', LIMITS.modalButton),
    private_metadata: JSON.stringify(metadata),
    blocks,
  };
}

/** Shown while a preview is computed. */
export function previewPendingModal(op: OperationInfo): ModalView {
  return {
    type: 'modal',
    callback_id: VIEWS.preview,
    title: plain(truncate(op.title, LIMITS.modalTitle), LIMITS.modalTitle),
    close: plain('Close', LIMITS.modalButton),
    blocks: [section(':hourglass_flowing_sand: Reading the current state to show you what will change…')],
  };
}

export interface PreviewMetadata extends ModalMetadata {
  /** The form as submitted; parsed again on confirm like any input from Slack. */
  values: FormValues;
  fingerprint: string;
}

const MARK: Record<PreviewMark, string> = {
  unchanged: ':white_check_mark:',
  cleared: ':warning:',
  added: ':heavy_plus_sign:',
  removed: ':heavy_minus_sign:',
  moved: ':twisted_rightwards_arrows:',
  included: ':link:',
  warning: ':warning:',
};

/** ":heavy_plus_sign: *Added:* `geo-block` (1st)". */
export function previewRowMrkdwn(row: PreviewRow): string {
  const label = row.label === undefined ? '' : `*${escapeMrkdwn(row.label)}:* `;
  return `${row.mark ? `${MARK[row.mark]} ` : ''}${label}${mrkdwnText(row.value)}`;
}

/** The change the requester confirms; `outdated` says it changed since the last look. */
export function previewModal(
  op: OperationInfo,
  preview: Preview,
  metadata: PreviewMetadata,
  outdated = false,
): ModalView {
  const privateMetadata = JSON.stringify(metadata);
  if (privateMetadata.length > LIMITS.privateMetadata) {
    return noticeModal(
      'Too large to confirm',
      'This change carries more values than Slack lets a confirmation hold. Split it into smaller changes.',
    );
  }
  const blocks: KnownBlock[] = [];
  if (outdated) {
    blocks.push(
      section(
        ':warning: *This changed since you reviewed it* (someone else edited it). Here is the change against the current state.',
      ),
    );
  }
  const lines = preview.rows.length > 0 ? preview.rows.map(previewRowMrkdwn) : ['No change.'];
  let chunk = '';
  for (const line of lines) {
    if (chunk.length + line.length + 1 > LIMITS.sectionText - 10) {
      blocks.push({ type: 'section', text: mrkdwn(chunk) });
      chunk = '';
    }
    chunk += `${chunk ? '\n' : ''}${line}`;
  }
  if (chunk) blocks.push({ type: 'section', text: mrkdwn(chunk) });
  return {
    type: 'modal',
    callback_id: VIEWS.preview,
    title: plain(truncate(op.title, LIMITS.modalTitle), LIMITS.modalTitle),
    submit: plain('Confirm', LIMITS.modalButton),
    close: plain('Cancel', LIMITS.modalButton),
    private_metadata: privateMetadata,
    blocks: blocks.slice(0, LIMITS.viewBlocks),
  };
}

/** A modal that only says something. */
export function noticeModal(title: string, body: string | KnownBlock[]): ModalView {
  return {
    type: 'modal',
    title: plain(truncate(title, LIMITS.modalTitle), LIMITS.modalTitle),
    close: plain('Close', LIMITS.modalButton),
    blocks: typeof body === 'string' ? [section(body)] : body,
  };
}

/** A block of the view that was submitted; only its input blocks can carry an error. */
export interface SubmittedBlock {
  type: string;
  block_id?: string;
}

/**
 * Puts each error under the input block of the field it is about, among the blocks of the view that was
 * submitted: Slack rejects an error for a block the view does not have. An error about a field the view
 * does not show (a form submitted before it was rebuilt for a new choice) is named and put under the
 * nearest field shown before it in `fields` (the form for the submitted values), else under the first one.
 */
export function fieldErrorsFor(
  submitted: readonly SubmittedBlock[],
  fields: readonly FormField[],
  errors: FieldErrors,
): FieldErrors {
  const shown = submitted.flatMap((b) => (b.type === 'input' && b.block_id ? [b.block_id] : []));
  const isShown = new Set(shown);
  const order = fields.map((f) => f.id);
  const hostOf = (id: string) =>
    order
      .slice(0, Math.max(order.indexOf(id), 0))
      .reverse()
      .find((f) => isShown.has(f)) ?? shown[0];
  const placed = new Map<string, string[]>();
  const place = (blockId: string | undefined, text: string) => {
    if (blockId) placed.set(blockId, [...(placed.get(blockId) ?? []), text]);
  };
  const entries = Object.entries(errors);
  for (const [id, message] of entries) if (isShown.has(id)) place(id, message);
  for (const [id, message] of entries) {
    if (isShown.has(id)) continue;
    const label = fields.find((f) => f.id === id)?.label;
    place(hostOf(id), label ? `${label}: ${message}` : message);
  }
  return Object.fromEntries([...placed].map(([blockId, texts]) => [blockId, truncate(texts.join(' '), 300)]));
}
