import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import ts from 'typescript';
import { parse } from 'yaml';

const root = join(__dirname, '..');
const schemaPath = join(__dirname, 'contracts/specs/slack/app-manifest/schemas/manifest.schema.1.0.0.json');
const methodsDir = join(__dirname, 'contracts/specs/slack/web-api/methods');

// Only the parts whose values users depend on; the JSON Schema checks the whole shape.
interface Manifest {
  display_information: { name: string; background_color?: string };
  features?: {
    app_home?: { home_tab_enabled?: boolean };
    slash_commands?: { command: string; url?: string; should_escape?: boolean }[];
  };
  oauth_config?: { scopes?: { bot?: string[] } };
  settings?: {
    socket_mode_enabled?: boolean;
    event_subscriptions?: { request_url?: string; bot_events?: string[] };
    interactivity?: { is_enabled: boolean; request_url?: string; message_menu_options_url?: string };
  };
}

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const validate = ajv.compile<Manifest>(JSON.parse(readFileSync(schemaPath, 'utf8')));

function loadManifest(): unknown {
  return parse(readFileSync(join(root, 'manifest.yml'), 'utf8'));
}

function validManifest(): Manifest {
  const manifest = loadManifest();
  if (!validate(manifest)) throw new Error(`manifest.yml is invalid: ${ajv.errorsText(validate.errors)}`);
  return manifest;
}

function urlsIn(value: unknown, key = ''): string[] {
  if (typeof value === 'string') return /url$/.test(key) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap((item) => urlsIn(item));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => urlsIn(v, k));
  }
  return [];
}

/**
 * The bot scopes each Web API method needs, as Slack's method pages list them (docs.slack.dev/reference/
 * methods/<method>: "Scopes → Bot token"). Methods that take a conversation list one scope per type of
 * conversation (public channel, private channel, DM, group DM): the bot calls them on the channel a run
 * was launched from, which may be any of these, so it needs them all. A method the code calls that is
 * not here fails the test, so a new call cannot slip in without its scopes.
 */
const METHOD_SCOPES: Readonly<Record<string, readonly string[]>> = {
  'auth.test': [],
  'chat.getPermalink': [],
  'chat.postEphemeral': ['chat:write'],
  'chat.postMessage': ['chat:write'],
  'chat.update': ['chat:write'],
  'conversations.history': ['channels:history', 'groups:history', 'im:history', 'mpim:history'],
  'conversations.info': ['channels:read', 'groups:read', 'im:read', 'mpim:read'],
  'conversations.members': ['channels:read', 'groups:read', 'im:read', 'mpim:read'],
  // Slack lists one scope per conversation type it can open; the bot only opens direct messages.
  'conversations.open': ['im:write'],
  'conversations.replies': ['channels:history', 'groups:history', 'im:history', 'mpim:history'],
  'usergroups.users.list': ['usergroups:read'],
  'users.info': ['users:read'],
  'views.open': [],
  'views.publish': [],
  'views.push': [],
  'views.update': [],
};

/**
 * Scopes a manifest feature brings, not a method: a slash command needs `commands`; `chat:write.public`
 * widens chat.postMessage to public channels the bot was not invited to (Slack's scope page: "Send
 * messages to channels your Slack app isn't a member of"), which /ops from any channel and digests rely on.
 */
function featureScopes(manifest: Manifest, methods: ReadonlySet<string>): string[] {
  return [
    ...((manifest.features?.slash_commands?.length ?? 0) > 0 ? ['commands'] : []),
    ...(methods.has('chat.postMessage') ? ['chat:write.public'] : []),
  ];
}

/** Every Slack method name, from the vendored index of Slack's method pages. */
const slackMethods: ReadonlySet<string> = new Set(
  (JSON.parse(readFileSync(join(methodsDir, 'methods.json'), 'utf8')) as { name: string }[]).map(
    (m) => m.name,
  ),
);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** `a.b.chat.postMessage` → `chat.postMessage`: the longest tail of the chain that is a Slack method. */
function methodOfChain(chain: string): string | undefined {
  const parts = chain.split('.');
  for (let i = 0; i < parts.length - 1; i += 1) {
    const tail = parts.slice(i).join('.');
    if (slackMethods.has(tail)) return tail;
  }
  return undefined;
}

function chainOf(node: ts.Expression): string | undefined {
  if (ts.isIdentifier(node) || node.kind === ts.SyntaxKind.ThisKeyword) return node.getText();
  if (ts.isPropertyAccessExpression(node)) {
    const left = chainOf(node.expression);
    return left === undefined ? undefined : `${left}.${node.name.text}`;
  }
  return undefined;
}

/**
 * The Web API methods called in `files`, each with where: calls through a client
 * (`client.chat.postMessage(…)`, `this.client.usergroups.users.list(…)`) and `apiCall('method', …)`.
 * Read from the syntax tree, so comments and type positions (`typeof client.views.update`) do not count.
 */
function webApiCalls(files: readonly string[]): Map<string, string[]> {
  const calls = new Map<string, string[]>();
  const record = (method: string, where: string) => calls.set(method, [...(calls.get(method) ?? []), where]);
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        const chain = chainOf(node.expression);
        const where = `${relative(root, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
        const [first] = node.arguments;
        if (chain?.endsWith('.apiCall') && first && ts.isStringLiteralLike(first)) record(first.text, where);
        const method = chain === undefined ? undefined : methodOfChain(chain);
        if (method) record(method, where);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return calls;
}

/** What the manifest asks for that nothing needs, and what something needs that it does not ask for. */
function scopeDiff(
  granted: readonly string[],
  needed: readonly string[],
): { unused: string[]; missing: string[] } {
  return {
    unused: [...new Set(granted)].filter((s) => !needed.includes(s)).sort(),
    missing: [...new Set(needed)].filter((s) => !granted.includes(s)).sort(),
  };
}

/** The scopes the code and the manifest's features need; a called method missing from the table throws. */
function neededScopes(manifest: Manifest, calls: ReadonlyMap<string, string[]>): string[] {
  const unknown = [...calls.keys()].filter((m) => !(m in METHOD_SCOPES));
  if (unknown.length > 0) {
    throw new Error(`add these methods to METHOD_SCOPES with Slack's bot scopes: ${unknown.join(', ')}`);
  }
  const methods = new Set(calls.keys());
  return [
    ...new Set([...[...methods].flatMap((m) => METHOD_SCOPES[m] ?? []), ...featureScopes(manifest, methods)]),
  ];
}

describe('manifest.yml', () => {
  test('is a valid Slack app manifest (schema 1.0.0)', () => {
    const manifest = loadManifest();
    expect(validate(manifest) ? [] : validate.errors).toEqual([]);
  });

  test('offers /ops as a slash command served by the bot', () => {
    const ops = validManifest().features?.slash_commands?.find((c) => c.command === '/ops');
    expect(ops).toBeDefined();
    expect(ops?.should_escape).toBe(false);
  });

  test('every URL is https and points at /slack/events on one host', () => {
    const manifest = validManifest();
    const urls = urlsIn(manifest).map((u) => new URL(u));
    // slash command, event subscriptions, interactivity, options load
    expect(urls).toHaveLength(4);
    for (const url of urls) {
      expect(url.protocol).toBe('https:');
      expect(url.pathname).toBe('/slack/events');
    }
    expect(new Set(urls.map((u) => u.host)).size).toBe(1);
    expect(manifest.settings?.socket_mode_enabled).toBe(false);
  });

  test('turns on the App Home tab and the event that renders it', () => {
    const manifest = validManifest();
    expect(manifest.features?.app_home?.home_tab_enabled).toBe(true);
    expect(manifest.settings?.event_subscriptions?.bot_events).toContain('app_home_opened');
    expect(manifest.settings?.interactivity?.is_enabled).toBe(true);
  });

  describe('bot scopes', () => {
    const calls = webApiCalls(sourceFiles(join(root, 'src')));

    test('are exactly the scopes the Web API calls in src/ and the manifest features need', () => {
      const manifest = validManifest();
      const granted = manifest.oauth_config?.scopes?.bot ?? [];
      expect(scopeDiff(granted, neededScopes(manifest, calls))).toEqual({ unused: [], missing: [] });
    });

    test('are derived from the calls the code makes, wherever they are', () => {
      // A few calls known to exist, so a scanner that found nothing could not pass the test above.
      expect(calls.get('chat.postMessage')).toEqual(
        expect.arrayContaining([expect.stringMatching(/^src\/slack\/slack-notifier\.ts:\d+$/)]),
      );
      expect(calls.get('conversations.members')).toEqual([
        expect.stringMatching(/^src\/slack\/channel-members\.ts:\d+$/),
      ]);
      expect(calls.get('usergroups.users.list')).toEqual([
        expect.stringMatching(/^src\/slack\/membership-directory\.ts:\d+$/),
      ]);
    });

    test('the table agrees with the vendored Slack method pages', () => {
      for (const [method, scopes] of Object.entries(METHOD_SCOPES)) {
        let page: string;
        try {
          page = readFileSync(join(methodsDir, `${method}.json`), 'utf8');
        } catch {
          continue; // not vendored: the table cites docs.slack.dev for it
        }
        const documented = (JSON.parse(page) as { scope?: { bot?: string[] } }).scope?.bot ?? [];
        expect({ method, scopes: [...scopes].sort() }).toEqual({ method, scopes: [...documented].sort() });
      }
    });

    test('the comparison catches a scope nobody needs and a scope a call needs but is not asked for', () => {
      const manifest = validManifest();
      const needed = neededScopes(manifest, calls);
      const tooMany = [...needed, 'channels:manage'];
      const tooFew = needed.filter((s) => s !== 'usergroups:read');
      expect(scopeDiff(tooMany, needed)).toEqual({ unused: ['channels:manage'], missing: [] });
      expect(scopeDiff(tooFew, needed)).toEqual({ unused: [], missing: ['usergroups:read'] });
    });

    test('a scope only a removed call needed is reported as unused', () => {
      const manifest = validManifest();
      const withoutMembers = new Map([...calls].filter(([m]) => m !== 'conversations.members'));
      const granted = manifest.oauth_config?.scopes?.bot ?? [];
      expect(scopeDiff(granted, neededScopes(manifest, withoutMembers)).unused).toEqual([
        'channels:read',
        'groups:read',
        'im:read',
        'mpim:read',
      ]);
    });

    test('a call to a method missing from the table fails', () => {
      const manifest = validManifest();
      expect(() => neededScopes(manifest, new Map([...calls, ['chat.delete', ['src/x.ts:1']]]))).toThrow(
        /chat\.delete/,
      );
    });
  });

  test('promises only what the bot does', () => {
    const description = (loadManifest() as { display_information: { long_description: string } })
      .display_information.long_description;
    // Re-running a run is not offered (no such button or command).
    expect(description).not.toMatch(/re-?run/i);
  });

  test('uses a background colour Slack accepts', () => {
    // The schema states this rule with a non-standard `regex` keyword, which Ajv ignores.
    expect(validManifest().display_information.background_color).toMatch(
      /^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/,
    );
  });

  test('the validator rejects a slash command without its leading slash', () => {
    const broken = structuredClone(validManifest());
    const command = broken.features?.slash_commands?.[0];
    if (!command) throw new Error('manifest.yml has no slash command');
    command.command = 'ops';
    expect(validate(broken)).toBe(false);
    expect(validate.errors?.map((e) => e.instancePath)).toContain('/features/slash_commands/0/command');
  });

  test('the validator rejects a misspelt setting', () => {
    const broken = { ...validManifest(), setings: {} };
    expect(validate(broken)).toBe(false);
    expect(validate.errors?.map((e) => e.params)).toContainEqual({ additionalProperty: 'setings' });
  });
});
