import { z } from 'zod';
import { htmlTitle, isHtml } from '../../../src/integrations/shared/html-page';
import { isRecord, parseJson } from '../../../src/integrations/shared/json';
import { REDACTED, Redactor } from '../../../src/integrations/shared/redaction';
import { truncate } from '../../../src/core/kit/truncate';
import { firstIssue } from '../../../src/integrations/shared/zod-issue';

describe('Redactor', () => {
  it('replaces every occurrence of each configured secret', () => {
    const redactor = new Redactor(['s3cr3t-key', 'other-pass']);
    expect(redactor.clean('key s3cr3t-key, again s3cr3t-key; pass other-pass')).toBe(
      `key ${REDACTED}, again ${REDACTED}; pass ${REDACTED}`,
    );
  });

  it('catches secrets added later, and ignores values too short to be one', () => {
    const redactor = new Redactor(['', 'abc']);
    redactor.add('issued-token-1');
    expect(redactor.clean('abc issued-token-1')).toBe(`abc ${REDACTED}`);
  });

  it('applies the system’s credential patterns after the known secrets', () => {
    const redactor = new Redactor(['known-secret'], [[/\bpat\.[a-z0-9.]+/g, REDACTED]]);
    expect(redactor.clean('known-secret and pat.acct.id.value')).toBe(`${REDACTED} and ${REDACTED}`);
  });

  it('clips after cleaning, so a secret cut in half is still removed', () => {
    const redactor = new Redactor(['0123456789']);
    const text = `${'x'.repeat(15)}0123456789`;
    expect(redactor.clip(text, 20)).toBe(`${'x'.repeat(15)}[red…`);
    expect(redactor.clip(text, 20)).not.toContain('01234');
  });
});

describe('truncate', () => {
  it('keeps short text and marks a cut with an ellipsis inside the limit', () => {
    expect(truncate('abcdef', 6)).toBe('abcdef');
    expect(truncate('abcdefg', 6)).toBe('abcde…');
    expect(truncate('abcdefg', 6)).toHaveLength(6);
  });
});

describe('HTML pages', () => {
  it.each([
    ['text/html; charset=utf-8', '{"not":"read"}', true],
    ['TEXT/HTML', '', true],
    ['application/json', '  <!DOCTYPE html><html></html>', true],
    ['text/plain', '<html><body>x</body></html>', true],
    ['application/json', '{"message":"<b>not a page</b>"}', false],
    ['', 'plain text', false],
  ])('content type %p with body %p is a page: %p', (contentType, text, expected) => {
    expect(isHtml(contentType, text)).toBe(expected);
  });

  it('reads the title, trimmed, and nothing for a missing or blank one', () => {
    expect(htmlTitle('<html><head><TITLE lang="en"> 502 Bad Gateway </TITLE></head></html>')).toBe(
      '502 Bad Gateway',
    );
    expect(htmlTitle('<html><title>  </title></html>')).toBeUndefined();
    expect(htmlTitle('<html><body>no title</body></html>')).toBeUndefined();
  });
});

describe('JSON helpers', () => {
  it('parseJson returns the value, or undefined for text that is not JSON', () => {
    expect(parseJson('{"a":1}')).toEqual({ a: 1 });
    expect(parseJson('null')).toBeNull();
    expect(parseJson('<html>')).toBeUndefined();
    expect(parseJson('')).toBeUndefined();
  });

  it('isRecord accepts objects only', () => {
    expect(isRecord({})).toBe(true);
    expect([[], null, 'x', 3].map(isRecord)).toEqual([false, false, false, false]);
  });
});

describe('firstIssue', () => {
  it('names the path of the first problem, or the root for the whole value', () => {
    const schema = z.object({ items: z.array(z.object({ id: z.string() })) });
    const nested = schema.safeParse({ items: [{ id: 1 }] });
    const whole = schema.safeParse('text');
    expect(nested.success || firstIssue(nested.error, 'body')).toMatch(/^items\.0\.id: /);
    expect(whole.success || firstIssue(whole.error, 'the body')).toMatch(/^the body: /);
  });
});
