import { randomUUID } from 'node:crypto';
import { parseOpsCommand, systemUsage, type OpsCommand } from '../core/commands/ops-command';
import type { StepClick, StepResult } from '../core/runs/human-steps';
import type { VoteResult } from '../core/approvals/decisions';
import { formValuesOf } from '../core/operations/form-values-of';
import { parseForm } from '../core/operations/forms';
import type { FormValues, Operation } from '../core/operations/contract';
import { operationOutlooks } from '../core/policy/outlooks';
import type { Subject } from '../core/policy/policy';
import type { RunSummary } from '../core/runs/run-list-store';
import type { OfferedStep, RunChoice } from './buttons';
import { digestCommandLines, digestUsageLines } from './digest-commands';
import type { ConsoleEngine } from './engine';
import {
  decisionLines,
  factsText,
  outlookLines,
  previewLines,
  problemLines,
  reportLines,
  stateText,
  whereNowText,
  consoleText,
} from './plain-text';
import { fillForm, fillStepForm } from './prompts';
import type { Terminal } from './terminal';
import { isUpstreamError, RunBusyError } from '../core/errors';

export const CONSOLE_HELP = [
  'Console: type /ops commands (the /ops is optional). End a line with `as <user>` or `in <channel>` to act',
  'as someone else or somewhere else, e.g. `can-i itential start in C0PROD0001 as U0INTERN01`. A number in',
  'brackets, like [1], is a button: type the number (`1 as U0APPROVER`). `quit` leaves.',
];

const USER = /^[UW][A-Z0-9]{2,}$/;
const CHANNEL = /^[CGD][A-Z0-9]{2,}$/;
const RUNS_SHOWN = 20;
const DEADLINES = { validateDeadlineMs: 5_000, searchDeadlineMs: 5_000 };

/** `… as U1 in C1` at the end of a line: who and where this one line is about. */
export function splitLine(line: string, subject: Subject): { text: string; subject: Subject } | string {
  let text = line
    .trim()
    .replace(/^\/ops(\s|$)/, '')
    .trim();
  const current = { ...subject };
  for (;;) {
    const match = /(?:^|\s+)(as|in)\s+(\S+)$/i.exec(text);
    if (!match) break;
    const [whole, word = '', id = ''] = match;
    if (word.toLowerCase() === 'as') {
      if (!USER.test(id)) return `\`${id}\` is not a user id (U0123ABCD).`;
      current.userId = id;
    } else {
      if (!CHANNEL.test(id)) return `\`${id}\` is not a channel id (C0123ABCD).`;
      current.channelId = id;
    }
    text = text.slice(0, text.length - whole.length);
  }
  return { text, subject: current };
}

/** Reads commands until `quit` or the end of input. */
export async function runCommandLoop(
  engine: ConsoleEngine,
  terminal: Terminal,
  subject: Subject,
): Promise<void> {
  const loop = new CommandLoop(engine, terminal);
  for (;;) {
    const line = await terminal.ask(`${subject.userId}@#${subject.channelId}> `);
    if (line === undefined || /^(quit|exit)$/i.test(line.trim())) return;
    if (line.trim() === '') continue;
    const split = splitLine(line, subject);
    if (typeof split === 'string') {
      terminal.print(split);
      continue;
    }
    try {
      await loop.handle(split.text, split.subject);
    } catch (err) {
      if (!(err instanceof RunBusyError)) throw err;
      terminal.print('Flightdeck is busy with this run right now; try again in a moment.');
    }
  }
}

class CommandLoop {
  constructor(
    private readonly engine: ConsoleEngine,
    private readonly terminal: Terminal,
  ) {}

  private print(...lines: string[]): void {
    this.terminal.print(...lines);
  }

  async handle(text: string, subject: Subject): Promise<void> {
    if (/^\d+$/.test(text)) {
      const choice = this.engine.choices.take(Number(text));
      if (!choice) this.print(`There is no choice [${text}].`);
      else await this.click(choice, subject);
      return;
    }
    const { registry } = this.engine;
    const parsed = parseOpsCommand(
      text,
      registry.systems.map((s) => s.definition),
    );
    await this.command(parsed, subject);
  }

  private async command(parsed: OpsCommand, subject: Subject): Promise<void> {
    const { registry } = this.engine;
    switch (parsed.kind) {
      case 'help':
        return this.help(subject);
      case 'whoami': {
        const groups = await this.engine.policy.groupsOf(subject.userId);
        this.print(
          `${subject.userId} in #${subject.channelId}${groups.length > 0 ? `, in groups ${groups.join(', ')}` : ''}:`,
        );
        for (const o of await operationOutlooks(this.engine, subject)) this.print(...outlookLines(o));
        return;
      }
      case 'can-i': {
        const info = registry.operationInfo(parsed.operationId);
        if (!info || !registry.operation(parsed.operationId))
          return this.print(`${registry.systemName(info?.system ?? parsed.operationId)} is not configured.`);
        const args = Object.keys(parsed.args).length > 0 ? parsed.args : undefined;
        const outlook = await this.engine.policy.outlook(subject, parsed.operationId, args);
        const title = `${registry.systemName(info.system)}: ${info.title}`;
        this.print(`Can ${subject.userId} run it in #${subject.channelId}?`);
        return this.print(...outlookLines({ operationId: info.id, title, outlook }));
      }
      case 'audit': {
        const reading = await this.engine.audit.read(subject.userId, {
          sinceMs: parsed.sinceMs,
          ...(parsed.user ? { actorId: parsed.user } : {}),
        });
        if (!reading.allowed)
          return this.print(
            `Only Flightdeck admins read the audit trail (${this.engine.admins.join(', ') || 'none configured'}).`,
          );
        if (reading.entries.length === 0)
          return this.print(`No audit records in the last ${parsed.sinceText}.`);
        for (const { record: r } of reading.entries)
          this.print(
            `${r.at.toISOString()} ${r.actorId} ${r.action} ${r.operationId ?? ''} ${r.outcome}${r.rule ? ` (rule "${r.rule}")` : ''}${r.runId ? ` run ${r.runId.slice(0, 8)}` : ''}`,
          );
        return;
      }
      case 'unknown':
        return this.print(consoleText(parsed.reason));
      case 'system': {
        const system = registry.system(parsed.systemId);
        if (!system?.runtime) return this.print(`${registry.systemName(parsed.systemId)} is not configured.`);
        return this.print(consoleText(systemUsage(system.definition)));
      }
      case 'launcher': {
        const ops = registry.runnable();
        ops.forEach((op, i) => this.print(`  [${i + 1}] ${registry.systemName(op.system)}: ${op.title}`));
        const answer = await this.terminal.ask('Which one? ');
        const op = ops[Number(answer) - 1];
        if (op) await this.operation(op, subject, undefined);
        return;
      }
      case 'operation': {
        const op = registry.operation(parsed.operationId);
        if (!op)
          return this.print(
            `${registry.systemName(parsed.operationId.split('.')[0] ?? '')} is not configured.`,
          );
        return this.operation(op, subject, parsed.args || undefined);
      }
      case 'query': {
        const query = registry.query(parsed.queryId);
        if (!query)
          return this.print(`${registry.systemName(parsed.queryId.split('.')[0] ?? '')} is not configured.`);
        try {
          return this.print(...reportLines(await query.run(parsed.args)));
        } catch (err) {
          if (!isUpstreamError(err)) throw err;
          return this.print(...problemLines(err.toProblem(registry.systemName(query.system))));
        }
      }
      case 'runs': {
        const { title, runs, hidden } = await this.recentRuns(subject, parsed.mine);
        if (title === undefined) return;
        this.print(`${title}:`);
        if (runs.length === 0) this.print('  none');
        for (const run of runs)
          this.print(
            `  ${run.id} ${run.operationId} by ${run.requesterId} in #${run.channelId}: ${stateText(run.state)}`,
          );
        if (hidden > 0) this.print(`  (${hidden} more in channels ${subject.userId} is not in)`);
        return;
      }
      case 'status': {
        const answer = await this.engine.runs.status(
          { userId: subject.userId, here: subject.channelId },
          parsed.runId,
        );
        if (answer.kind === 'unknown') return this.print(`No run ${parsed.runId} is known to Flightdeck.`);
        if (answer.kind === 'refused') return this.print(`✖ ${answer.reason}`);
        const { run } = answer;
        const title = `${registry.systemName(run.system)}: ${registry.operationInfo(run.operationId)?.title ?? run.operationId}`;
        this.print(`${title} · run ${run.id} · by ${run.requesterId} in #${run.channelId}`);
        if (run.facts.length > 0) this.print(`  ${factsText(run.facts)}`);
        this.print(`  ${whereNowText(run)}`);
        if (run.problem) this.print(...problemLines(run.problem).map((l) => `  ${l}`));
        return;
      }
      case 'digest':
        return this.print(...(await digestCommandLines(this.engine, parsed.command, subject)));
      case 'digest-usage':
        return this.print(...digestUsageLines(parsed.error));
      case 'notify':
        return this.print(
          'Direct messages are sent in Slack; the console prints every run and request as it changes.',
        );
    }
  }

  /** `runs` (this channel's) or `runs mine` (in the channels the viewer may still see). */
  private async recentRuns(
    subject: Subject,
    mine: boolean,
  ): Promise<{ title?: string; runs: RunSummary[]; hidden: number }> {
    const { runs } = this.engine;
    if (mine) {
      const seen = await runs.mine(subject.userId, RUNS_SHOWN);
      const hidden = seen.hidden.notMember + seen.hidden.unknown;
      return { title: `Recent runs of ${subject.userId}`, runs: seen.runs, hidden };
    }
    const viewer = { userId: subject.userId, here: subject.channelId };
    const listed = await runs.inChannel(viewer, subject.channelId, RUNS_SHOWN);
    if (!listed.allowed) {
      this.print(`✖ ${listed.reason}`);
      return { runs: [], hidden: 0 };
    }
    return { title: `Recent runs in #${subject.channelId}`, runs: listed.runs, hidden: 0 };
  }

  private async help(subject: Subject): Promise<void> {
    const { registry } = this.engine;
    const refused = new Set(
      (await operationOutlooks(this.engine, subject))
        .filter((o) => o.outlook.verdict === 'no')
        .map((o) => o.operationId),
    );
    for (const { definition, runtime } of registry.systems) {
      this.print(`${definition.name}${runtime ? '' : ' (not configured)'}`);
      if (!runtime) continue;
      for (const c of [...definition.operations, ...definition.queries])
        if (!refused.has(c.id)) this.print(`  /ops ${definition.id} ${c.verb} ${c.usage} — ${c.title}`);
    }
    this.print(
      '  /ops runs [mine] · /ops status <run id> · whoami · can-i <operation> [key=value …] · /ops audit',
      '  /ops digest now [window] · /ops digest schedule <when> [time zone] [filters] · /ops digest list · /ops digest remove <id>',
      ...CONSOLE_HELP,
    );
  }

  /** The modal as prompts, then the launch; the run's thread prints itself. */
  private async operation(op: Operation, subject: Subject, prefill: string | undefined): Promise<void> {
    const decision = await this.engine.forms.mayOpen(subject, op.id);
    if (!decision.allowed) return this.print(...decisionLines(`run ${op.title}`, decision));
    const systemName = this.engine.registry.systemName(op.system);
    const form = await fillForm(op, prefill, { terminal: this.terminal, systemName, ...DEADLINES });
    if (form) await this.confirmAndLaunch(op, form.values, form.input, subject);
  }

  /** An operation with a preview shows the change and asks; a changed state shows the new change and asks again. */
  private async confirmAndLaunch(
    op: Operation,
    values: FormValues,
    input: unknown,
    subject: Subject,
    rerunOf?: string,
  ): Promise<void> {
    let fingerprint: string | undefined;
    const key = `console:${randomUUID()}`;
    for (;;) {
      if (op.preview) {
        try {
          const preview = await op.preview(input);
          this.print('The change:', ...previewLines(preview));
          fingerprint = preview.fingerprint;
        } catch (err) {
          if (!isUpstreamError(err)) throw err;
          return this.print(...problemLines(err.toProblem(this.engine.registry.systemName(op.system))));
        }
        const answer = await this.terminal.ask('[1] Confirm  [2] Leave it: ');
        if (answer?.trim() !== '1') return this.print('Not changed.');
      }
      const parsed = parseForm(op, values);
      if (!parsed.ok) return this.print('This form is no longer valid. Start again.');
      const result = await this.engine.launcher.launch({
        operationId: op.id,
        input: parsed.input,
        idempotencyKey: `${key}:${fingerprint ?? ''}`,
        channelId: subject.channelId,
        requester: { id: subject.userId },
        ...(fingerprint ? { confirmedFingerprint: fingerprint } : {}),
        ...(rerunOf ? { rerunOf } : {}),
      });
      switch (result.kind) {
        case 'denied':
          return this.print(...decisionLines(`run ${op.title}`, result.decision));
        case 'unavailable':
          return this.print(consoleText(result.reason));
        case 'duplicate':
          return this.print(`That was already submitted: run ${result.run.id}.`);
        case 'awaiting_approval':
          await result.posted;
          return this.print(`Waiting for approval: ${consoleText(result.decision.reason)}`);
        case 'accepted': {
          const outcome = await result.started;
          if (outcome.kind !== 'outdated') return;
          this.print('It changed since you looked; here is the change as it is now.');
        }
      }
    }
  }

  /** A numbered choice: the button it stands for, clicked by `subject`. */
  private async click(choice: RunChoice, subject: Subject): Promise<void> {
    const { approvals, launcher, tracker } = this.engine;
    switch (choice.action) {
      case 'approve':
      case 'reject': {
        const result = await approvals.vote(choice.runId, subject.userId, choice.action);
        this.print(...voteLines(result, subject.userId));
        if (result.kind === 'approved') await result.started;
        return;
      }
      case 'cancel': {
        const result = await launcher.cancel(choice.runId, { id: subject.userId }, subject.channelId);
        if (result.kind === 'requested') tracker.nudge();
        else if (result.kind === 'already_requested')
          this.print(`${result.by} already asked to cancel this run.`);
        else if (result.kind === 'finished')
          this.print('This run has already finished; there is nothing to cancel.');
        else if (result.kind === 'denied') this.print(...decisionLines('cancel this run', result.decision));
        else this.print('This run cannot be canceled.');
        return;
      }
      case 'step-approve':
      case 'step-reject': {
        const click = {
          runId: choice.runId,
          stepId: choice.step?.id ?? '',
          actor: { id: subject.userId },
          channelId: subject.channelId,
          seq: choice.step?.seq,
        };
        const form = choice.action === 'step-approve' ? await this.stepForm(click, choice.step) : {};
        if (form === undefined) return;
        const result = await this.engine.humanSteps.decide({
          ...click,
          decision: choice.action === 'step-approve' ? 'approve' : 'reject',
          ...(form.values ? { values: form.values } : {}),
        });
        if (result.kind === 'decided' || result.kind === 'refused_upstream') tracker.nudge();
        return this.print(...stepLines(result));
      }
      case 'revert': {
        const revert = await launcher.revertInput(choice.runId, { id: subject.userId });
        const values = revert ? formValuesOf(revert.input) : undefined;
        if (!revert || !values || !revert.operation.preview)
          return this.print('This run cannot be reverted.');
        return this.confirmAndLaunch(revert.operation, values, revert.input, subject);
      }
      case 'rerun':
        return this.rerun(choice.runId, subject);
      case 'retry':
        return this.retry(choice.runId, subject);
    }
  }

  /**
   * What Approve opens in Slack: the step's form when it has one, filled in at prompts (`values`), or
   * nothing to fill in (`{}`); undefined when the form was left or the step cannot be decided (said why).
   */
  private async stepForm(
    click: Omit<StepClick, 'decision' | 'values'>,
    step: OfferedStep | undefined,
  ): Promise<{ values?: FormValues } | undefined> {
    if (!step) return {};
    const { humanSteps } = this.engine;
    const form = await humanSteps.form({ ...click, seq: step.seq });
    switch (form.kind) {
      case 'no_form':
        return {};
      case 'form': {
        const values = await fillStepForm(
          form.step.fields,
          (typed) => humanSteps.checkForm(click.runId, typed),
          { terminal: this.terminal, systemName: form.systemName },
        );
        return values && { values };
      }
      default:
        this.print(...stepLines(form));
        return undefined;
    }
  }

  /** The run's form again, its earlier values offered as defaults (secrets blank), for a new run in its channel. */
  private async rerun(runId: string, subject: Subject): Promise<void> {
    const form = await this.engine.reruns.form(runId, { id: subject.userId });
    switch (form.kind) {
      case 'denied':
        return this.print(...decisionLines(`run ${form.title}`, form.decision));
      case 'unavailable':
        return this.print(consoleText(form.reason));
      case 'already_opening':
        return;
      case 'form': {
        const { operation, run } = form;
        if (form.secretsBlanked) this.print('Secret values were left blank: type them again.');
        const systemName = this.engine.registry.systemName(operation.system);
        const filled = await fillForm(
          operation,
          undefined,
          { terminal: this.terminal, systemName, ...DEADLINES },
          form.values,
        );
        const where = { ...subject, channelId: run.channelId };
        if (filled) await this.confirmAndLaunch(operation, filled.values, filled.input, where, run.id);
      }
    }
  }

  /** Retry of the failed step the run offers now. */
  private async retry(runId: string, subject: Subject): Promise<void> {
    const step = (await this.engine.store.getRun(runId))?.retryStep;
    if (!step) return this.print('This run no longer waits for a retry.');
    const result = await this.engine.retries.retry(runId, step.id, { id: subject.userId }, subject.channelId);
    switch (result.kind) {
      case 'retried':
        this.engine.tracker.nudge();
        return;
      case 'refused':
        return this.print(...problemLines(result.problem));
      case 'denied':
        return this.print(...decisionLines('retry this step', result.decision));
      case 'not_pending':
        return this.print('This step is no longer waiting to be retried.');
      case 'unsupported':
      case 'not_found':
        return this.print('This run cannot be retried.');
    }
  }
}

/** What the clicker of a step choice reads; the thread line says the rest. */
function stepLines(result: StepResult): string[] {
  switch (result.kind) {
    case 'decided':
    case 'refused_upstream':
      return [];
    case 'denied':
      return decisionLines(`decide this step (${result.operationId})`, result.decision);
    case 'already_decided':
      return [
        `${result.holder.actorId} already ${result.holder.decision === 'approve' ? 'approved' : 'rejected'} this step.`,
      ];
    case 'not_waiting':
      return ['This run no longer waits for that step.'];
    case 'unsupported':
      return ['This step cannot be decided from here.'];
    case 'not_found':
      return ['No such run.'];
  }
}

function voteLines(result: VoteResult, userId: string): string[] {
  switch (result.kind) {
    case 'approved':
      return [`${userId} approved; starting.`];
    case 'counted':
      return [`${userId} approved: ${result.approvals} of ${result.required}.`];
    case 'rejected':
      return [];
    case 'already_voted':
      return [`${userId} already voted (${result.vote}).`];
    case 'decided':
      return [
        `Already decided: ${result.outcome ?? stateText(result.state)}${result.by ? ` by ${result.by}` : ''}.`,
      ];
    case 'own_run':
      return [
        '✖ You cannot approve your own run (Reject withdraws it). Another approver must: `<n> as <user>`.',
      ];
    case 'not_approver':
      return [`✖ ${userId} may not approve this; it needs ${consoleText(result.approvers)}.`];
    case 'no_longer_allowed':
      return decisionLines('have this run', result.decision);
    case 'not_found':
      return ['Flightdeck has no approval request for this run.'];
  }
}
