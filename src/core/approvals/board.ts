import type { ApprovalStatus } from './approval-store';
import type { RunRecord } from '../runs/run-store';

/** A run that waits (or waited) for approval, with what a person needs to read the request. */
export interface ApprovalView {
  run: RunRecord;
  systemName: string;
  operationTitle: string;
  status: ApprovalStatus;
}

/**
 * Where approval requests reach people beyond the run's own thread. Slack implements it: the request with
 * Approve and Reject in a rule's approval channel, and a word to the requester once it is decided.
 */
export interface ApprovalBoard {
  /** Posts the request in `status.request.channelId`; returns the message ts. */
  postRequest(view: ApprovalView): Promise<string>;
  /** Shows the decision on the posted request (its buttons go). */
  updateRequest(view: ApprovalView): Promise<void>;
  /** Tells the requester how their request was decided. */
  tellRequester(view: ApprovalView): Promise<void>;
}
