/**
 * Buttons become numbered choices: each action offered on a run gets a number for the session, the same
 * number every time it is offered again, and typing the number (optionally `as <user>`) clicks it.
 */
export type RunAction =
  'approve' | 'reject' | 'cancel' | 'revert' | 'rerun' | 'retry' | 'step-approve' | 'step-reject';

export interface RunChoice {
  runId: string;
  action: RunAction;
  /** For a step decision: the upstream step it decides, and the thread line that last offered it (its form). */
  step?: OfferedStep;
}

export interface OfferedStep {
  id: string;
  seq: number;
}

const LABEL: Record<RunAction, string> = {
  approve: 'Approve',
  reject: 'Reject',
  cancel: 'Cancel',
  revert: 'Revert',
  rerun: 'Re-run',
  retry: 'Retry the failed step',
  'step-approve': 'Approve the step',
  'step-reject': 'Reject the step',
};

export class RunChoices {
  private readonly byNumber = new Map<number, RunChoice>();
  private readonly numbers = new Map<string, number>();

  /** "[3] Approve  [4] Reject". */
  offer(runId: string, actions: RunAction[], step?: OfferedStep): string {
    return actions
      .map((action) => {
        const key = `${runId}:${action}:${step?.id ?? ''}`;
        let n = this.numbers.get(key);
        if (n === undefined) {
          n = this.byNumber.size + 1;
          this.numbers.set(key, n);
        }
        // A step offered again keeps its number; its form is the newest offer's.
        this.byNumber.set(n, { runId, action, ...(step ? { step } : {}) });
        return `[${n}] ${LABEL[action]}`;
      })
      .join('  ');
  }

  take(n: number): RunChoice | undefined {
    return this.byNumber.get(n);
  }
}
