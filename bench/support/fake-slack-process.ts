import { join } from 'node:path';
import { z } from 'zod';
import { Child } from './child';

/** Who sends the benchmark's slash commands, from the fake's seeded workspace. */
export const slackIdentity = z.object({
  teamId: z.string(),
  teamDomain: z.string(),
  appId: z.string(),
  channelId: z.string(),
  channelName: z.string(),
  userId: z.string(),
  userName: z.string(),
});
export type SlackIdentity = z.infer<typeof slackIdentity>;

export const fakeSlackInfo = z.object({ apiUrl: z.string(), botToken: z.string(), identity: slackIdentity });
export type FakeSlackInfo = z.infer<typeof fakeSlackInfo>;

export const fakeSlackRequest = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('issue-response-urls'), count: z.number().int().min(0) }),
  z.object({ kind: z.literal('accepted-responses') }),
]);
export type FakeSlackRequest = z.infer<typeof fakeSlackRequest>;

/** The fake Slack Web API in its own process, shared by every server a benchmark starts. */
export class FakeSlackProcess {
  private constructor(private readonly child: Child<FakeSlackInfo>) {}

  static async start(logFile: string): Promise<FakeSlackProcess> {
    const child = await Child.fork({
      modulePath: join(__dirname, '..', 'processes', 'fake-slack.js'),
      env: {},
      logFile,
      info: fakeSlackInfo,
    });
    return new FakeSlackProcess(child);
  }

  get info(): FakeSlackInfo {
    return this.child.info;
  }

  /** Fresh response_urls the fake accepts posts to, for the identity's channel and user. */
  issueResponseUrls(count: number): Promise<string[]> {
    const request: FakeSlackRequest = { kind: 'issue-response-urls', count };
    return this.child.call(request, z.array(z.string()));
  }

  /** How many posts to response_urls the fake has accepted so far. */
  acceptedResponses(): Promise<number> {
    const request: FakeSlackRequest = { kind: 'accepted-responses' };
    return this.child.call(request, z.number());
  }

  stop(): Promise<void> {
    return this.child.stop();
  }
}
