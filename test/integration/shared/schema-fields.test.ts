import fc from 'fast-check';
import type { FormField } from '../../../src/core/operations/contract';
import { SecretScrubber } from '../../../src/core/operations/secrets';
import {
  problemsByField,
  readSchemaValues,
  schemaChoices,
  schemaForm,
  schemaFormValues,
} from '../../../src/integrations/shared/schema-fields';

const scrubber = new SecretScrubber();
const options = { isSecretName: (name: string) => scrubber.isSecretName(name), maxFields: 40 };
const byLabel = (fields: FormField[], label: string) => fields.find((f) => f.label === label);

const VLAN_SCHEMA = {
  type: 'object',
  required: ['device', 'vlan'],
  properties: {
    device: { type: 'string', title: 'Device', description: 'Hostname of the switch', maxLength: 64 },
    vlan: { type: 'integer', minimum: 1, maximum: 4094, default: 100 },
    mtu: { type: 'number' },
    dryRun: { type: 'boolean', default: true },
    site: { enum: ['par', 'fra', 'ams'], default: 'fra' },
    admin_password: { type: 'string' },
    ports: { type: 'array', items: { type: 'integer' } },
    tags: { type: 'object' },
    owner: { $ref: '#/definitions/owner' },
    note: { type: ['string', 'null'] },
  },
};

describe('schemaForm: one field per input the form can express', () => {
  const form = schemaForm(VLAN_SCHEMA, options);

  it('maps each simple type to a field with label, hint, initial and optional-ness', () => {
    expect(byLabel(form.fields, 'Device')).toEqual({
      id: 'in.s.device',
      kind: 'text',
      label: 'Device',
      optional: false,
      hint: 'Hostname of the switch. At most 64 characters',
      maxLength: 64,
    });
    expect(byLabel(form.fields, 'vlan')).toMatchObject({
      id: 'in.i.vlan',
      kind: 'text',
      optional: false,
      initial: '100',
      hint: 'A whole number from 1 to 4094',
    });
    expect(byLabel(form.fields, 'mtu')).toMatchObject({ id: 'in.n.mtu', optional: true });
    expect(byLabel(form.fields, 'dryRun')).toMatchObject({
      id: 'in.b.dryRun',
      kind: 'select',
      initial: 'true',
      choices: [
        { value: 'true', label: 'Yes' },
        { value: 'false', label: 'No' },
      ],
    });
    expect(byLabel(form.fields, 'site')).toMatchObject({ id: 'in.e.site', kind: 'select', initial: '"fra"' });
    expect(byLabel(form.fields, 'note')).toMatchObject({ id: 'in.s.note', kind: 'text', optional: true });
  });

  it('marks secret-named inputs secret and never pre-fills them', () => {
    const typed = schemaForm(VLAN_SCHEMA, { ...options, values: { 'in.xs.admin_password': 'hunter22' } });
    const secret = byLabel(typed.fields, 'admin_password');
    expect(secret).toMatchObject({ id: 'in.xs.admin_password', secret: true });
    expect(secret && 'initial' in secret ? secret.initial : undefined).toBeUndefined();
    expect(
      schemaForm({ properties: { conn: { type: 'string', writeOnly: true } } }, options).fields[0],
    ).toMatchObject({ secret: true });
  });

  it('leaves objects, arrays and references to the JSON box, saying why', () => {
    expect(form.rest).toEqual(['ports (array)', 'tags (object)', 'owner (reference)']);
    expect(form.fieldOf.has('ports')).toBe(false);
  });

  it('keeps what was typed over the default when the form is rebuilt', () => {
    const rebuilt = schemaForm(VLAN_SCHEMA, { ...options, values: { 'in.i.vlan': '12' } });
    expect(byLabel(rebuilt.fields, 'vlan')).toMatchObject({ initial: '12' });
  });

  it('offers an enum of more than 100 values as a search, filtered by what is typed', () => {
    const big = { properties: { region: { enum: Array.from({ length: 250 }, (_, i) => `region-${i}`) } } };
    const [field] = schemaForm(big, options).fields;
    expect(field).toMatchObject({ id: 'in.e.region', kind: 'search' });
    const found = schemaChoices(big, 'in.e.region', 'region-24');
    expect(found.map((c) => c.label)).toEqual([
      'region-24',
      'region-240',
      'region-241',
      'region-242',
      'region-243',
      'region-244',
      'region-245',
      'region-246',
      'region-247',
      'region-248',
      'region-249',
    ]);
    expect(schemaChoices(big, 'in.e.__proto__', '')).toEqual([]);
  });

  it('stops at maxFields and sends the rest to the JSON box', () => {
    const many = {
      properties: Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`v${i}`, { type: 'string' }])),
    };
    const capped = schemaForm(many, { ...options, maxFields: 10 });
    expect(capped.fields).toHaveLength(10);
    expect(capped.rest).toHaveLength(50);
  });
});

describe('readSchemaValues: typed inputs back from the form', () => {
  it('types numbers and booleans, keeps secrets apart and leaves empty fields out', () => {
    const read = readSchemaValues({
      'in.s.device': 'rtr-01',
      'in.i.vlan': ' 12 ',
      'in.n.mtu': '1.5e3',
      'in.b.dryRun': 'false',
      'in.e.site': '"par"',
      'in.xs.admin_password': 'hunter22',
      'in.s.note': '',
      variables: '{"x":1}',
    });
    expect(read).toEqual({
      variables: { device: 'rtr-01', vlan: 12, mtu: 1500, dryRun: false, site: 'par' },
      secrets: { admin_password: 'hunter22' },
      errors: {},
    });
  });

  it('puts a type error on the field it concerns', () => {
    const read = readSchemaValues({ 'in.i.vlan': '12.5', 'in.n.mtu': 'lots', 'in.b.dryRun': 'maybe' });
    expect(read.errors).toEqual({
      'in.i.vlan': 'Enter a whole number, like 12',
      'in.n.mtu': 'Enter a number, like 1.5',
      'in.b.dryRun': 'Pick Yes or No',
    });
    expect(read.variables).toEqual({});
  });

  it('keeps an input named __proto__ as an input', () => {
    const read = readSchemaValues({ 'in.s.__proto__': 'x' });
    expect(Object.keys(read.variables)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(read.variables)).toBe(Object.prototype);
  });
});

describe('schemaFormValues: a run’s variables shown again (a re-run)', () => {
  const form = schemaForm(VLAN_SCHEMA, options);

  it('puts each input in its field as typed, the secret one blank, the rest in the JSON box', () => {
    const values = schemaFormValues(
      form,
      { device: 'sw-01', vlan: 120, dryRun: false, site: 'par', admin_password: 'hunter2-x', ports: [1, 2] },
      'variables',
    );
    expect(values).toEqual({
      'in.s.device': 'sw-01',
      'in.i.vlan': '120',
      'in.b.dryRun': 'false',
      'in.e.site': '"par"',
      variables: JSON.stringify({ ports: [1, 2] }, null, 2),
    });
    expect(readSchemaValues(values).variables).toEqual({
      device: 'sw-01',
      vlan: 120,
      dryRun: false,
      site: 'par',
    });
  });

  it('without the schema at hand, shows every input in the JSON box', () => {
    expect(schemaFormValues(undefined, { device: 'sw-01', vlan: 120 }, 'variables')).toEqual({
      variables: JSON.stringify({ device: 'sw-01', vlan: 120 }, null, 2),
    });
    expect(schemaFormValues(undefined, {}, 'variables')).toEqual({});
  });
});

describe('problemsByField', () => {
  it('puts problems on their input’s field, the others on the JSON box', () => {
    const { fieldOf } = schemaForm(VLAN_SCHEMA, options);
    expect(
      problemsByField(
        [
          { input: 'vlan', message: 'must be <= 4094' },
          { input: 'ports', message: 'must be array' },
          { message: 'must have required property device' },
          { input: 'vlan', message: 'must be integer' },
        ],
        fieldOf,
        'variables',
      ),
    ).toEqual({
      'in.i.vlan': 'must be <= 4094; must be integer',
      variables: 'must be array; must have required property device',
    });
  });
});

describe('schema fields, properties', () => {
  const hostile = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: 'small' },
      fc.jsonValue(),
      fc.record({ type: fc.oneof(fc.string(), fc.array(fc.string()), fc.anything()) }, { requiredKeys: [] }),
      fc.dictionary(fc.string(), tie('node')),
      fc.record({ properties: fc.dictionary(fc.string(), tie('node')), required: fc.anything() }),
      fc.record({ enum: fc.array(fc.anything(), { maxLength: 300 }) }),
      fc.constant({ $ref: '#/definitions/x' }),
    ),
  })).node;

  it('never throws, whatever the schema, and every field fits Slack', () => {
    fc.assert(
      fc.property(hostile, fc.anything(), (schema, values) => {
        const form = schemaForm(schema, { ...options, values: values as never });
        const ids = form.fields.map((f) => f.id);
        expect(new Set(ids).size).toBe(ids.length);
        for (const field of form.fields) {
          expect(field.id.length).toBeLessThanOrEqual(255);
          expect(field.label.length).toBeLessThanOrEqual(48);
          if (field.kind === 'select') expect(field.choices.length).toBeLessThanOrEqual(100);
          if (field.secret) expect('initial' in field && field.initial !== undefined).toBe(false);
        }
      }),
    );
  });

  it('reading never throws on any submitted values', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.array(fc.string()))), (values) => {
        readSchemaValues(values);
      }),
    );
  });

  const primitive = fc.oneof(
    fc.record({
      type: fc.constant('string'),
      value: fc.string({ minLength: 1 }).filter((s) => s.trim() !== ''),
    }),
    fc.record({ type: fc.constant('integer'), value: fc.integer() }),
    fc.record({
      type: fc.constant('number'),
      value: fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (n === 0 ? 0 : n)),
    }),
    fc.record({ type: fc.constant('boolean'), value: fc.boolean() }),
  );

  it('values shown in the form read back as the same typed variables', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ minLength: 1, maxLength: 30 }).filter((n) => !scrubber.isSecretName(n)),
          primitive,
          { maxKeys: 15 },
        ),
        (inputs) => {
          const schema = {
            type: 'object',
            properties: Object.fromEntries(Object.entries(inputs).map(([n, p]) => [n, { type: p.type }])),
          };
          const variables = Object.fromEntries(Object.entries(inputs).map(([n, p]) => [n, p.value]));
          const form = schemaForm(schema, options);
          const values = schemaFormValues(form, variables, 'variables');
          const read = readSchemaValues(values);
          expect(read.errors).toEqual({});
          const rest = typeof values.variables === 'string' ? (JSON.parse(values.variables) as object) : {};
          expect({ ...read.variables, ...rest }).toEqual(variables);
        },
      ),
    );
  });
});
