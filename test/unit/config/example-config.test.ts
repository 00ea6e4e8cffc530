import { join } from 'node:path';
import { loadConfig } from '../../../src/config';
import { INTEGRATIONS } from '../../../src/integrations';
/** The example the README points at must stay a config the bot accepts, every system's section included. */
it('the example config loads with every system configured', () => {
  const c = loadConfig(
    {
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 'secret-123456',
      FLIGHTDECK_CONFIG: join(__dirname, '..', '..', '..', 'flightdeck.example.yml'),
      ITENTIAL_BASE_URL: 'https://itential.example.com',
      ITENTIAL_TOKEN: 't-123456',
      HARNESS_API_KEY: 'pat.acct1.tokenid0123.secret0123456789abcdef',
      HARNESS_ACCOUNT_ID: 'acct1',
      ZITADEL_BASE_URL: 'https://z.example.com',
      ZITADEL_TOKEN: 'z-123456',
    },
    INTEGRATIONS,
  );
  expect(c.systems.every((s) => s.config !== undefined)).toBe(true);
});
