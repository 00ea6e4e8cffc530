import { App, LogLevel } from '@slack/bolt';
import { z } from 'zod';
import { serveChild } from '../support/child-main';
import { boundPort, cpuSoFar } from '../support/server-process';

const env = z.object({
  SLACK_BOT_TOKEN: z.string(),
  SLACK_SIGNING_SECRET: z.string(),
  SLACK_API_URL: z.string(),
});

/** The baseline: Bolt 5 in HTTP mode with one command that only acknowledges. */
serveChild(async () => {
  const { SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL } = env.parse(process.env);
  const app = new App({
    token: SLACK_BOT_TOKEN,
    signingSecret: SLACK_SIGNING_SECRET,
    clientOptions: { slackApiUrl: SLACK_API_URL },
    logLevel: LogLevel.ERROR,
  });
  app.command('/ops', async ({ ack }) => {
    await ack();
  });
  const server = await app.start({ port: 0, host: '127.0.0.1' });
  return {
    info: { port: boundPort(server) },
    handle: cpuSoFar,
    stop: () => app.stop().then(() => undefined),
  };
});
