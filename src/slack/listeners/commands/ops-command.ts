import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { prepareForm } from '../../../core/operations/forms';
import { isUpstreamError } from '../../../core/operations/problem';
import { parseOpsCommand, systemUsage } from '../../../core/commands/ops-command';
import { DIGEST_USAGE } from '../../../core/digest/spec';
import type { SlackDeps } from '../../deps';
import { afterPendingAcks } from '../../after-ack';
import { replyTo } from '../../response-url';
import { auditTrail } from './audit-command';
import { canI } from './can-i-command';
import { helpFor } from './help-command';
import { whoami } from './whoami-command';
import { digestCommand } from './digest-command';
import { notifyCommand } from './notify-command';
import { operationView } from '../../operation-view';
import { openThenRebuild } from '../../open-form';
import { notConfiguredMessage, usageMessage } from '../../ui/help';
import { launcherModal } from '../../ui/launcher-modal';
import {
  deniedMessage,
  infoMessage,
  problemMessage,
  reportMessage,
  runsMessage,
  runStatusMessage,
  statusRefusal,
} from '../../ui/replies';
import type { MessageContent } from '../../ui/blocks';
import { hiddenNote } from '../../ui/access';
import type { RunSummary } from '../../../core/runs/run-list-store';
type Args = AllMiddlewareArgs & SlackCommandMiddlewareArgs;

/** `/ops …`: answers that need nothing upstream come in the ack; everything else follows it. */
export function opsCommand(deps: SlackDeps) {
  return async (args: Args): Promise<void> => {
    const { command, ack, respond, client } = args;
    const { registry } = deps;
    const parsed = parseOpsCommand(
      command.text ?? '',
      registry.systems.map((s) => s.definition),
    );
    const ephemeral = (content: { text: string; blocks: unknown[] }) => ({
      response_type: 'ephemeral' as const,
      ...content,
    });
    const subject = { userId: command.user_id, channelId: command.channel_id };
    switch (parsed.kind) {
      case 'help':
        await ack(ephemeral(await helpFor(deps, subject)));
        return;
      case 'whoami':
        await ack();
        await respond(ephemeral(await whoami(deps, subject)));
        return;
      case 'can-i':
        await ack();
        await respond(ephemeral(await canI(deps, subject, parsed.operationId, parsed.args)));
        return;
      case 'audit':
        await ack();
        await respond(ephemeral(await auditTrail(deps, command.user_id, parsed)));
        return;
      case 'unknown':
        await ack(ephemeral(usageMessage(parsed.reason)));
        return;
      case 'digest-usage':
        await ack(ephemeral(usageMessage(parsed.error, DIGEST_USAGE)));
        return;
      case 'system': {
        const system = registry.system(parsed.systemId);
        if (!system?.runtime) {
          await ack(ephemeral(notConfiguredMessage(registry.systemName(parsed.systemId))));
          return;
        }
        await ack(ephemeral(usageMessage(systemUsage(system.definition))));
        return;
      }
      case 'launcher': {
        await ack();
        const groups = registry.systems
          .filter((s) => s.runtime)
          .map((s) => ({ systemName: s.definition.name, operations: s.runtime?.operations ?? [] }));
        await client.views.open({
          trigger_id: command.trigger_id,
          view: launcherModal(groups, command.channel_id),
        });
        return;
      }
      case 'operation': {
        const op = registry.operation(parsed.operationId);
        if (!op) {
          const info = registry.operationInfo(parsed.operationId);
          await ack(ephemeral(notConfiguredMessage(registry.systemName(info?.system ?? parsed.operationId))));
          return;
        }
        await ack();
        const decision = await deps.forms.mayOpen(subject, op.id);
        if (!decision.allowed) {
          await respond(ephemeral(deniedMessage(`run ${op.title}`, decision)));
          return;
        }
        const ctx = { prefill: parsed.args || undefined };
        // Rebuilt if what the command named (a workflow) adds fields.
        await openThenRebuild(
          client,
          deps.log,
          command.trigger_id,
          operationView(registry, op, command.channel_id, ctx),
          op.prepare &&
            (async () => {
              await prepareForm(op, ctx, deps.timing.searchDeadlineMs);
              return operationView(registry, op, command.channel_id, ctx);
            }),
        );
        return;
      }
      case 'query': {
        const query = registry.query(parsed.queryId);
        if (!query) {
          await ack(ephemeral(notConfiguredMessage(registry.systemName(parsed.queryId.split('.')[0] ?? ''))));
          return;
        }
        await ack();
        try {
          await respond(ephemeral(reportMessage(await query.run(parsed.args))));
        } catch (err) {
          if (!isUpstreamError(err)) throw err;
          await respond(ephemeral(problemMessage(err.toProblem(registry.systemName(query.system)))));
        }
        return;
      }
      case 'runs':
        await ack();
        await afterPendingAcks();
        await replyTo(
          command.response_url,
          ephemeral(await recentRuns(deps, command.user_id, command.channel_id, parsed.mine)),
        );
        return;
      case 'digest':
        await digestCommand(deps, parsed.command, args);
        return;
      case 'notify':
        await ack();
        await respond(
          ephemeral(await notifyCommand(deps, command.user_id, command.channel_id, parsed.setting)),
        );
        return;
      case 'status':
        await ack();
        await afterPendingAcks();
        await replyTo(
          command.response_url,
          ephemeral(await runStatus(deps, command.user_id, command.channel_id, parsed.runId)),
        );
        return;
    }
  };
}

const RUNS_SHOWN = 20;

/**
 * `/ops runs`: this channel's runs (Slack sent the command from it, so the caller is in it);
 * `mine`: the caller's runs in every channel they are still in.
 */
async function recentRuns(
  deps: SlackDeps,
  userId: string,
  channelId: string,
  mine: boolean,
): Promise<MessageContent> {
  const { registry } = deps;
  const titleOf = (run: RunSummary) => registry.operationInfo(run.operationId)?.title ?? run.operationId;
  if (!mine) {
    const listed = await deps.runs.inChannel({ userId, here: channelId }, channelId, RUNS_SHOWN);
    if (!listed.allowed) return infoMessage(listed.reason);
    // The read held the event loop (libsql is synchronous): acks that arrived meanwhile go before the rest.
    await afterPendingAcks();
    return runsMessage('Recent runs in this channel', listed.runs, titleOf);
  }
  const { runs, hidden } = await deps.runs.mine(userId, RUNS_SHOWN);
  await afterPendingAcks();
  return runsMessage('Your recent runs', runs, titleOf, { showChannel: true, note: hiddenNote(hidden) });
}

/** `/ops status <run>`: only to members of the run's channel (and admins); a refusal is audited. */
async function runStatus(
  deps: SlackDeps,
  userId: string,
  channelId: string,
  runId: string,
): Promise<MessageContent> {
  const { registry } = deps;
  const status = await deps.runs.status({ userId, here: channelId }, runId);
  switch (status.kind) {
    case 'unknown':
      return infoMessage(`No run \`${runId}\` is known to Flightdeck.`);
    case 'refused':
      return statusRefusal(status.runId, status.reason);
    case 'shown': {
      const { run } = status;
      const title = `${registry.systemName(run.system)}: ${registry.operationInfo(run.operationId)?.title ?? run.operationId}`;
      return runStatusMessage(title, run, deps.clock.now());
    }
  }
}
