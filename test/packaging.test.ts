import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PRODUCTION_NODE_ARGS } from '../bench/support/production-node-args';

// No Docker engine runs in CI, so the image is checked statically: the facts below are the ones a
// broken build or an unsafe image would violate.

const root = join(__dirname, '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

interface Instruction {
  keyword: string;
  args: string;
}

function parseDockerfile(text: string): Instruction[] {
  return text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

function stages(instructions: Instruction[]): Instruction[][] {
  const result: Instruction[][] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') result.push([]);
    result.at(-1)?.push(instruction);
  }
  return result;
}

/** Sources of a COPY from the build context (not `--from`), without flags and destination. */
function contextSources(instruction: Instruction): string[] {
  const words = instruction.args.split(/\s+/);
  if (words.some((w) => w.startsWith('--from='))) return [];
  return words.filter((w) => !w.startsWith('--')).slice(0, -1);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(root, path)).isDirectory() ? sourceFiles(path) : [path];
  });
}

const dockerfile = parseDockerfile(read('Dockerfile'));
const [finalStage = []] = stages(dockerfile).slice(-1);
const dockerignore = read('.dockerignore')
  .split(/\r?\n/)
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));

describe('Dockerfile', () => {
  test('builds in one stage and runs from another', () => {
    expect(dockerfile.filter((i) => i.keyword === 'FROM').length).toBeGreaterThanOrEqual(2);
    expect(finalStage.some((i) => i.keyword === 'COPY' && i.args.includes('--from=build'))).toBe(true);
  });

  test('runs as a user other than root', () => {
    const user = finalStage.filter((i) => i.keyword === 'USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user?.split(':')[0]);
  });

  test('checks its health on /healthz', () => {
    const healthcheck = finalStage.find((i) => i.keyword === 'HEALTHCHECK');
    expect(healthcheck?.args).toMatch(/\bCMD\b.*\/healthz/);
  });

  test('copies only paths that exist in the repository and are not docker-ignored', () => {
    const sources = dockerfile.filter((i) => i.keyword === 'COPY').flatMap(contextSources);
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect({ source, exists: existsSync(join(root, source)) }).toEqual({ source, exists: true });
      const ignoredBy = dockerignore.filter((p) => source === p || source.startsWith(`${p}/`));
      expect({ source, ignoredBy }).toEqual({ source, ignoredBy: [] });
    }
  });

  test('starts the compiled entry point of src/main.ts, with the Node flags the benchmarks measure', () => {
    const cmd = finalStage.filter((i) => i.keyword === 'CMD').at(-1)?.args;
    expect(JSON.parse(cmd ?? '[]')).toEqual(['node', ...PRODUCTION_NODE_ARGS, 'dist/main.js']);
    expect(JSON.parse(read('package.json'))).toMatchObject({
      scripts: { start: `npm run build && node ${PRODUCTION_NODE_ARGS.join(' ')} dist/main.js` },
    });
    expect(existsSync(join(root, 'src/main.ts'))).toBe(true);
    expect(JSON.parse(read('package.json'))).toMatchObject({ main: 'dist/main.js' });
  });

  test('keeps the embedded store on a volume and serves the port it exposes', () => {
    const env = finalStage
      .filter((i) => i.keyword === 'ENV')
      .map((i) => i.args)
      .join(' ');
    expect(env).toMatch(/\bNODE_ENV=production\b/);
    expect(env).toMatch(/\bDATA_DIR=\/data\b/);
    expect(finalStage.find((i) => i.keyword === 'VOLUME')?.args).toContain('/data');
    const port = /\bPORT=(\d+)/.exec(env)?.[1];
    expect(finalStage.find((i) => i.keyword === 'EXPOSE')?.args).toBe(port);
  });

  test('.dockerignore keeps local state and secrets out of the build context', () => {
    for (const entry of ['node_modules', 'dist', 'data', '.git', 'coverage', '.bench', '.env']) {
      expect(dockerignore).toContain(entry);
    }
  });
});

describe('.env.example', () => {
  const lines = read('.env.example').split(/\r?\n/);
  const assignments = lines.flatMap((line, index) => {
    const match = /^#?\s*([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    return match?.[1] !== undefined ? [{ name: match[1], value: match[2] ?? '', index }] : [];
  });
  const names = assignments.map((a) => a.name);

  test('lists every variable of the runtime contract once', () => {
    const contract = [
      'SLACK_BOT_TOKEN',
      'SLACK_APP_TOKEN',
      'SLACK_SIGNING_SECRET',
      'SLACK_API_URL',
      'PORT',
      'METRICS_PORT',
      'METRICS_HOST',
      'DATABASE_URL',
      'DATA_DIR',
      'FLIGHTDECK_CONFIG',
      'FLIGHTDECK_SECRETS_KEY',
      'LOG_LEVEL',
      'HARNESS_BASE_URL',
      'HARNESS_API_KEY',
      'HARNESS_ACCOUNT_ID',
      'HARNESS_UI_URL',
      'ITENTIAL_BASE_URL',
      'ITENTIAL_UI_URL',
      'ITENTIAL_USERNAME',
      'ITENTIAL_PASSWORD',
      'ITENTIAL_TOKEN',
      'ITENTIAL_CLIENT_ID',
      'ITENTIAL_CLIENT_SECRET',
      'ZITADEL_BASE_URL',
      'ZITADEL_TOKEN',
      'ZITADEL_ORG_ID',
    ];
    expect([...names].sort()).toEqual([...contract].sort());
  });

  test('lists only variables the code reads', () => {
    const source = sourceFiles('src')
      .map((path) => read(path))
      .join('\n');
    expect(names.filter((name) => !new RegExp(`\\b${name}\\b`).test(source))).toEqual([]);
  });

  test('explains every variable in a comment just above it', () => {
    const unexplained = assignments.filter(({ index }) => {
      const above = lines[index - 1] ?? '';
      return !above.startsWith('#') || /^#?\s*[A-Z][A-Z0-9_]*=/.test(above);
    });
    expect(unexplained.map((a) => a.name)).toEqual([]);
  });

  test('holds placeholders, not secrets', () => {
    const secretLike = assignments.filter(
      ({ value }) => /\bxox[a-z]-\d/.test(value) || /[A-Za-z0-9+/]{24,}/.test(value),
    );
    expect(secretLike.map((a) => a.name)).toEqual([]);
  });
});
