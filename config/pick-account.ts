/** The account a command acts on: `--account <id>`, else the first configured one. */
import { ConfigError } from './env';

export function pickAccount<A extends { id: string; enabled: boolean }>(accounts: readonly A[], wanted: string | undefined): A {
  if (wanted === undefined) return accounts[0]!;
  const found = accounts.find((a) => a.id === wanted || a.id === `act_${wanted}`);
  if (!found) throw new ConfigError([`--account ${wanted}: not a configured account (configured: ${accounts.map((a) => a.id).join(', ')})`]);
  return found;
}
