import type { AuditTrail } from '../audit/trail';
import type { Clock } from '../kit/clock';
import type { Decision, Policy, Subject } from './policy';

export interface FormGateDeps {
  policy: Pick<Policy, 'decide'>;
  audit: Pick<AuditTrail, 'append'>;
  clock: Clock;
}

/**
 * Whether a person may open an operation's form in a channel, whichever way they came (the command, the
 * menu, the Home tab, the console). Before the form opens the input is not known, so only a refusal that
 * holds for every input stops it; each such refusal is audited as `open` / `denied`. The launch decides
 * again on the submitted input.
 */
export class FormGate {
  constructor(private readonly deps: FormGateDeps) {}

  async mayOpen(subject: Subject, operationId: string): Promise<Decision> {
    const { policy, audit, clock } = this.deps;
    const decision = await policy.decide(subject, operationId);
    if (!decision.allowed) {
      await audit.append({
        at: clock.now(),
        actorId: subject.userId,
        channelId: subject.channelId,
        action: 'open',
        operationId,
        runId: null,
        outcome: 'denied',
        rule: decision.rule ?? null,
        detail: {},
      });
    }
    return decision;
  }
}
