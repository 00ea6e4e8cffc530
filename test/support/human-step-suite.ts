import type { StepDecision } from '../../src/core/operations/contract';
import type { AnswerGate } from '../fakes/answer-gate';
import type { FakeMessage } from '../fakes/slack';
import { blocksText, type Harness } from './flightdeck-harness';
import {
  approveStep,
  clickStep,
  everythingPosted,
  HANG_MS,
  raceForStep,
  readyApproval,
  STEP_APPROVE,
  STEP_FORM,
  STEP_REJECT,
  toldPrivately,
} from './human-steps';
import { type StoreBackend, storeBackends } from './stores';

export const CHANNEL = 'C0OPS';
/** Starts runs; the policy does not let her decide their steps. */
export const ALICE = 'U0ALICE';
/** Both may decide steps. */
export const BOB = 'U0BOB';
export const CAROL = 'U0CAROL';

/** One test's upstream and bot, with the bot's policy: Alice runs, Bob and Carol decide steps. */
export interface StepWorld {
  h: Harness;
  /** A run of Alice's that waits on its step: its parent message and the thread reply offering the step. */
  toStep(): Promise<{ parent: FakeMessage; reply: FakeMessage }>;
  /** The decisions the upstream was sent (refused ones too), in order. */
  sent(): StepDecision[];
  /** The upstream refuses the next decision it is sent; the words of the refusal the thread shows. */
  refuseNext(): string[];
  /** The upstream's answers to decisions, which a test may hold once the upstream has acted. */
  decisionAnswers: AnswerGate;
  /** After an approval, the run goes on to succeed. */
  finish(): void;
  /** What must never reach Slack. */
  secrets: string[];
}

/**
 * What every system's human steps do from a run's thread, whatever the system: approve (through the step's
 * form when it has one), reject, a policy refusal, an upstream refusal, a race of clicks, and the decision's
 * line before what the run does next. One small file per system runs it, beside its own cases.
 */
export interface HumanStepSystem {
  /** "Harness pipeline approvals" */
  name: string;
  /** The policy operation of decisions: `iacm.approve`. */
  operationId: string;
  /** Whom the policy's refusal names to ask. */
  contact: string;
  /** What the thread says once the run has moved on after an approval (and not before). */
  movedOn: string;
  /** What the thread says once a rejection has ended the run. */
  rejectedEnding: string;
  /** Registers, in the calling describe block, a fresh world per test on `backend`. */
  perTest(backend: StoreBackend): () => StepWorld;
}

/** The thread of `parentTs` in the suite's channel, once it shows what `until` looks for. */
export const threadShows = (h: Harness, parentTs: string, until: (t: string[]) => boolean) =>
  h.threadTexts(CHANNEL, parentTs, until, HANG_MS);

export function runHumanStepSuite(system: HumanStepSystem): void {
  describe.each(storeBackends())(`${system.name} from the thread on $name`, (backend) => {
    const current = system.perTest(backend);
    let w: StepWorld;
    let h: Harness;
    beforeEach(() => {
      w = current();
      h = w.h;
    });
    const thread = (parentTs: string, until: (t: string[]) => boolean) => threadShows(h, parentTs, until);
    const decided =
      (who: string, verb = 'Approved') =>
      (t: string[]) =>
        t.some((x) => x.includes(`${verb} by <@${who}>`));

    it('Approve is sent as the bot; the thread says who, the run goes on, the audit trail records it', async () => {
      const { parent, reply } = await w.toStep();
      await approveStep(h, BOB, reply, CHANNEL);
      await thread(parent.ts, decided(BOB));
      expect(w.sent()).toEqual(['approve']);
      w.finish();
      await thread(parent.ts, (t) => t.some((x) => x.includes('Succeeded')));
      const audit = await h.bot.store.listAudit({ actorId: BOB, limit: 10 });
      expect(audit.map((r) => `${r.action}:${r.outcome}`)).toContain('step.approve:approved');
    });

    it('Reject needs no form: it is sent at once, and the run ends rejected', async () => {
      const { parent, reply } = await w.toStep();
      await clickStep(h, CAROL, STEP_REJECT, reply, CHANNEL);
      await thread(parent.ts, decided(CAROL, 'Rejected'));
      expect(w.sent()).toEqual(['reject']);
      await thread(parent.ts, (t) => t.some((x) => x.includes(system.rejectedEnding)));
      expect(h.slack.openedViews().filter((v) => v.callback_id === STEP_FORM)).toEqual([]);
    });

    it('someone the policy does not allow is told privately, gets no form, and nothing reaches the upstream', async () => {
      const { parent, reply } = await w.toStep();
      await clickStep(h, ALICE, STEP_APPROVE, reply, CHANNEL);
      const told = await toldPrivately(h, CHANNEL, ALICE, "You can't approve this step");
      expect(blocksText(told)).toContain(system.operationId);
      expect(blocksText(told)).toContain(system.contact);
      const audit = await h.bot.store.listAudit({ actorId: ALICE, limit: 10 });
      expect(audit.map((r) => `${r.action}:${r.outcome}`)).toContain('step.approve:denied');
      expect(w.sent()).toEqual([]);
      expect(h.slack.openedViews().filter((v) => v.callback_id === STEP_FORM)).toEqual([]);
      expect(
        h.slack
          .thread(CHANNEL, parent.ts)
          .map((m) => blocksText(m))
          .join('\n'),
      ).not.toContain('Approved by');
    });

    it('an upstream refusal reaches the thread readably, without secrets, and the step can be tried again', async () => {
      const { parent, reply } = await w.toStep();
      const words = w.refuseNext();
      await approveStep(h, BOB, reply, CHANNEL);
      const said = (await thread(parent.ts, (t) => t.some((x) => x.includes('refused')))).join('\n');
      for (const word of words) expect(said).toContain(word);
      await approveStep(h, CAROL, reply, CHANNEL);
      await thread(parent.ts, decided(CAROL));
      expect(w.sent()).toEqual(['approve', 'approve']);
      for (const secret of w.secrets) expect(everythingPosted(h, CHANNEL)).not.toContain(secret);
    });

    it('a double approval and a rejection at once act once; the others hear who decided', async () => {
      const { parent, reply } = await w.toStep();
      const { decisions, heard } = await raceForStep(h, CHANNEL, parent.ts, reply);
      expect(w.sent()).toHaveLength(1);
      expect(decisions).toHaveLength(1);
      expect(heard.every((x) => /already (approved|rejected) this step/.test(x))).toBe(true);
    });

    it('the decision line comes before what the run does next, though the upstream moves on at once and a poll is due', async () => {
      const { parent, reply } = await w.toStep();
      const send = await readyApproval(h, BOB, reply, CHANNEL);
      w.decisionAnswers.hold();
      await send();
      // The upstream has taken the decision and moved the run on; the bot waits for its answer.
      await w.decisionAnswers.heldAnswer();
      const aMinuteOn = new Date(Date.now() + 60_000);
      const due = await h.bot.store.claimDue('another-replica', aMinuteOn, aMinuteOn, 10);
      expect(due.map((r) => r.id)).toEqual([]);
      w.decisionAnswers.release();
      const texts = await thread(parent.ts, (t) => t.some((x) => x.includes(system.movedOn)));
      const line = texts.findIndex((x) => x.includes(`Approved by <@${BOB}>`));
      expect(line).toBeGreaterThanOrEqual(0);
      expect(line).toBeLessThan(texts.findIndex((x) => x.includes(system.movedOn)));
    });
  });
}
