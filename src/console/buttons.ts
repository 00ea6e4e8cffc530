/**
 * Buttons become numbered choices: each action offered on a run gets a number for the session, the same
 * number every time it is offered again, and typing the number (optionally `as <user>`) clicks it.
 */
export type RunAction = 'approve' | 'reject' | 'cancel' | 'revert' | 'rerun' | 'retry';

export interface RunChoice {
  runId: string;
  action: RunAction;
}

const LABEL: Record<RunAction, string> = {
  approve: 'Approve',
  reject: 'Reject',
  cancel: 'Cancel',
  revert: 'Revert',
  rerun: 'Re-run',
  retry: 'Retry the failed step',
};

export class RunChoices {
  private readonly byNumber = new Map<number, RunChoice>();
  private readonly numbers = new Map<string, number>();

  /** "[3] Approve  [4] Reject". */
  offer(runId: string, actions: RunAction[]): string {
    return actions
      .map((action) => {
        const key = `${runId}:${action}`;
        let n = this.numbers.get(key);
        if (n === undefined) {
          n = this.byNumber.size + 1;
          this.numbers.set(key, n);
          this.byNumber.set(n, { runId, action });
        }
        return `[${n}] ${LABEL[action]}`;
      })
      .join('  ');
  }

  take(n: number): RunChoice | undefined {
    return this.byNumber.get(n);
  }
}
