import { truncate } from '../../core/kit/truncate';

const MASK = '••••••';
const MAX_VALUE = 40;
const MAX_FACT = 300;

/**
 * A run's input variables for its facts: `device=rtr-01, vlan=12, admin_password=••••••, ports`. Values of
 * secret fields and secret-named variables are masked; objects and arrays are named only.
 */
export function variablesFact(
  variables: Record<string, unknown>,
  secretNames: readonly string[],
  isSecretName: (name: string) => boolean,
): string {
  const shown = Object.entries(variables).map(([name, value]) => {
    if (isSecretName(name)) return `${name}=${MASK}`;
    if (typeof value === 'string') return `${name}=${truncate(value, MAX_VALUE)}`;
    if (typeof value === 'number' || typeof value === 'boolean') return `${name}=${String(value)}`;
    return name;
  });
  const all = [...shown, ...secretNames.map((name) => `${name}=${MASK}`)];
  return all.length > 0 ? truncate(all.join(', '), MAX_FACT) : 'none';
}
