import type { Query, Report } from '../../core/operations/contract';
import type { Catalog } from './catalog';
import type { ZitadelClient } from './api';
import { conditionLabel } from './condition';
import { EXECUTIONS_INFO } from './definition';
import { code, joinText, txt } from '../../core/kit/text';
import { targetNamer } from './preview-lines';

/** `/ops zitadel executions [filter]`: every execution with targets, condition → targets by name. */
export function executionsQuery(client: ZitadelClient, catalog: Catalog): Query {
  return {
    ...EXECUTIONS_INFO,
    async run(args: string): Promise<Report> {
      const filter = args.trim().toLowerCase();
      const executions = await client.allExecutions();
      const names = await catalog.targetsByIds(executions.flatMap((e) => e.targets));
      const name = targetNamer(
        executions.flatMap((e) => e.targets),
        names,
      );
      const rows = executions
        .map((e) => ({
          label: e.condition
            ? conditionLabel(e.condition)
            : `unknown condition ${JSON.stringify(e.wire ?? {})}`,
          targets: e.targets,
        }))
        .filter(
          (row) =>
            filter === '' ||
            [row.label, ...row.targets, ...row.targets.map((id) => names.get(id) ?? '')].some((text) =>
              text.toLowerCase().includes(filter),
            ),
        )
        .sort((a, b) => a.label.localeCompare(b.label));
      return {
        title: filter
          ? `Zitadel executions matching "${args.trim()}" (${rows.length})`
          : `Zitadel executions (${rows.length})`,
        lines: rows.map((row) => txt`${code(row.label)} → ${joinText(row.targets.map(name), ' → ')}`),
        empty: filter
          ? `No execution's condition or target matches "${args.trim()}".`
          : 'No execution has any targets.',
      };
    },
  };
}
