import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

const root = join(__dirname, '..');
const schemaPath = join(__dirname, 'contracts/specs/slack/app-manifest/schemas/manifest.schema.1.0.0.json');

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

  test('asks for the bot scopes the code uses', () => {
    const scopes = validManifest().oauth_config?.scopes?.bot ?? [];
    for (const scope of [
      'commands',
      'chat:write',
      'chat:write.public',
      'users:read',
      'usergroups:read',
      'channels:read',
      'groups:read',
      'channels:history',
      'groups:history',
    ]) {
      expect(scopes).toContain(scope);
    }
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
