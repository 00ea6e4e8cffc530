import type { Migration, MigrationProvider } from 'kysely';
import type { Engine } from '../engine';
import { initial } from './001-initial';
import { digests } from './002-digests';
import { approvals } from './003-approvals';
import { tracking } from './004-tracking';
import { transitionPayload } from './005-transition-payload';
import { onceKeys } from './006-once-keys';
import { slackBudget } from './007-slack-budget';
import { digestReadsAndParts } from './008-digest-reads-and-parts';
import { rerunsAndRetries } from './009-reruns-and-retries';
import { stepClaims } from './010-step-claims';
import { directMessages } from './011-direct-messages';
import { leaseTokens } from './012-lease-tokens';
import { homeMarks } from './013-home-marks';
import { storeSurfaces } from './014-store-surfaces';

/** Every migration, by a name that sorts in the order they apply. Append; never edit one that shipped. */
export function migrations(engine: Engine): MigrationProvider {
  const all: Record<string, Migration> = {
    '001-initial': initial(engine),
    '002-digests': digests(),
    '003-approvals': approvals(),
    '004-tracking': tracking(),
    '005-transition-payload': transitionPayload(),
    '006-once-keys': onceKeys(),
    '007-slack-budget': slackBudget(),
    '008-digest-reads-and-parts': digestReadsAndParts(),
    '009-reruns-and-retries': rerunsAndRetries(),
    '010-step-claims': stepClaims(),
    '011-direct-messages': directMessages(),
    '012-lease-tokens': leaseTokens(),
    '013-home-marks': homeMarks(),
    '014-store-surfaces': storeSurfaces(),
  };
  return { getMigrations: async () => all };
}
