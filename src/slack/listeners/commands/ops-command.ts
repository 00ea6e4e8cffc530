import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { isUpstreamError } from '../../../core/problem';
import { parseOpsCommand } from '../../command-parser';
import type { SlackDeps } from '../../deps';
import { auditTrail } from './audit-command';
import { canI } from './can-i-command';
import { helpFor } from './help-command';
import { whoami } from './whoami-command';
import { digestCommand } from './digest-command';
import { operationView } from '../../operation-view';
import { notConfiguredMessage, usageMessage } from '../../ui/help';
import { launcherModal } from '../../ui/launcher-modal';
import {
  deniedMessage,
  infoMessage,
  problemMessage,
  reportMessage,
  runsMessage,
  runStatusMessage,
} from '../../ui/replies';

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
      case 'system': {
        const system = registry.system(parsed.systemId);
        if (!system?.runtime) {
          await ack(ephemeral(notConfiguredMessage(registry.systemName(parsed.systemId))));
          return;
        }
        const verbs = [...system.definition.operations, ...system.definition.queries].map(
          (c) => `\`${c.verb}\``,
        );
        await ack(
          ephemeral(
            usageMessage(`What should Flightdeck do in ${system.definition.name}? Try: ${verbs.join(', ')}.`),
          ),
        );
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
        const decision = await deps.policy.decide(
          { userId: command.user_id, channelId: command.channel_id },
          op.id,
        );
        if (!decision.allowed) {
          await deps.store.appendAudit({
            at: deps.clock.now(),
            actorId: command.user_id,
            channelId: command.channel_id,
            action: 'open',
            operationId: op.id,
            runId: null,
            outcome: 'denied',
            rule: decision.rule ?? null,
            detail: {},
          });
          await respond(ephemeral(deniedMessage(`run ${op.title}`, decision)));
          return;
        }
        const view = operationView(registry, op, command.channel_id, { prefill: parsed.args || undefined });
        await client.views.open({ trigger_id: command.trigger_id, view });
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
      case 'runs': {
        await ack();
        const runs = await deps.store.listRuns({
          channelId: command.channel_id,
          ...(parsed.mine ? { requesterId: command.user_id } : {}),
          limit: 20,
        });
        const title = parsed.mine ? 'Your recent runs here' : 'Recent runs in this channel';
        await respond(
          ephemeral(
            runsMessage(
              title,
              runs,
              (run) => registry.operationInfo(run.operationId)?.title ?? run.operationId,
            ),
          ),
        );
        return;
      }
      case 'digest':
        await digestCommand(deps, parsed.command, args);
        return;
      case 'status': {
        await ack();
        const run = await deps.store.getRun(parsed.runId);
        if (!run) {
          await respond(ephemeral(infoMessage(`No run \`${parsed.runId}\` is known to Flightdeck.`)));
          return;
        }
        const title = `${registry.systemName(run.system)}: ${registry.operationInfo(run.operationId)?.title ?? run.operationId}`;
        await respond(ephemeral(runStatusMessage(title, run, deps.clock.now())));
        return;
      }
    }
  };
}
