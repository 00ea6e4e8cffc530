/**
 * Where JSON text first goes wrong, as line and column. Node's JSON.parse messages do not always
 * carry a position (and some quote the input back), so the form runs this scanner when parsing fails.
 */

export interface JsonSyntaxError {
  line: number;
  column: number;
  message: string;
}

class Stop extends Error {
  constructor(
    readonly offset: number,
    readonly expected: string,
  ) {
    super(expected);
  }
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

class Scanner {
  private pos = 0;

  constructor(private readonly text: string) {}

  document(): void {
    this.ws();
    this.value();
    this.ws();
    if (this.pos < this.text.length) this.stop('the end of the JSON (there is extra text after it)');
  }

  private stop(expected: string): never {
    throw new Stop(this.pos, expected);
  }

  private peek(): string | undefined {
    return this.text[this.pos];
  }

  private ws(): void {
    while (WHITESPACE.has(this.peek() ?? '')) this.pos += 1;
  }

  private expect(char: string, expected: string): void {
    if (this.peek() !== char) this.stop(expected);
    this.pos += 1;
  }

  private value(): void {
    const c = this.peek();
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    for (const literal of ['true', 'false', 'null']) {
      if (this.text.startsWith(literal, this.pos)) {
        this.pos += literal.length;
        return;
      }
    }
    this.stop('a value (a "string", a number, true, false, null, an object or an array)');
  }

  private object(): void {
    this.pos += 1;
    this.ws();
    if (this.peek() === '}') {
      this.pos += 1;
      return;
    }
    for (;;) {
      if (this.peek() !== '"') this.stop('a property name in double quotes');
      this.string();
      this.ws();
      this.expect(':', "':' after the property name");
      this.ws();
      this.value();
      this.ws();
      if (this.peek() === ',') {
        this.pos += 1;
        this.ws();
        if (this.peek() === '}') this.stop('another property (JSON allows no comma before })');
        continue;
      }
      this.expect('}', "',' or '}'");
      return;
    }
  }

  private array(): void {
    this.pos += 1;
    this.ws();
    if (this.peek() === ']') {
      this.pos += 1;
      return;
    }
    for (;;) {
      this.value();
      this.ws();
      if (this.peek() === ',') {
        this.pos += 1;
        this.ws();
        if (this.peek() === ']') this.stop('another value (JSON allows no comma before ])');
        continue;
      }
      this.expect(']', "',' or ']'");
      return;
    }
  }

  private string(): void {
    this.pos += 1;
    for (;;) {
      const c = this.peek();
      if (c === undefined) this.stop('a closing double quote');
      if (c === '"') {
        this.pos += 1;
        return;
      }
      if (c < ' ') this.stop('a closing double quote (line breaks inside strings must be written \\n)');
      if (c === '\\') {
        this.pos += 1;
        const e = this.peek();
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos + 1, this.pos + 5)))
            this.stop('four hex digits after \\u');
          this.pos += 5;
          continue;
        }
        if (e === undefined || !ESCAPES.has(e))
          this.stop('a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)');
      }
      this.pos += 1;
    }
  }

  private number(): void {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.pos));
    if (!match) this.stop('a number');
    this.pos += match[0].length;
  }
}

function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  return { line, column };
}

/** The first syntax error in `text`, or undefined when it is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  try {
    new Scanner(text).document();
    return undefined;
  } catch (err) {
    if (!(err instanceof Stop)) throw err;
    const { line, column } = position(text, err.offset);
    const found = text[err.offset];
    const what = found === undefined ? 'the end of the text' : found === '\n' ? 'a line break' : `'${found}'`;
    return {
      line,
      column,
      message: `line ${line}, column ${column}: expected ${err.expected}, found ${what}`,
    };
  }
}
