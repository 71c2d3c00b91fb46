/**
 * Whether a regular expression is one Envoy accepts: RE2 syntax (no lookarounds, backreferences,
 * atomic groups or possessive quantifiers, which JavaScript and PCRE have and RE2 refuses), and a
 * compiled program no larger than Envoy's limit. A pure check, so that the description is refused
 * with its path before any Envoy sees it; test/model/re2.test.ts holds it to the real Envoy.
 */

/** Envoy refuses a regex whose RE2 program is larger (runtime `re2.max_program_size.error_level`). */
export const ENVOY_MAX_PROGRAM_SIZE = 100;
/** RE2's own bound on `{n,m}`. */
const MAX_REPEAT = 1000;

const CLASS_ESCAPES = "dDsSwW";
const ASSERTION_ESCAPES = "bBAz";
const CONTROL_ESCAPES = "afnrtv";
const POSIX_CLASSES = ["alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct", "space", "upper", "word", "xdigit"];

class Problem extends Error {}
const fail = (m: string): never => { throw new Problem(m); };

/** Why Envoy would refuse the pattern, in a user's words, or undefined when it accepts it. */
export function re2Problem(pattern: string): string | undefined {
  try {
    const size = new Parser(pattern).parse();
    // Envoy compiles the pattern as given; RE2 adds a few instructions around it (match, fail, captures).
    if (size > ENVOY_MAX_PROGRAM_SIZE)
      return `is too large for Envoy (its compiled program would have about ${size} instructions, Envoy accepts ${ENVOY_MAX_PROGRAM_SIZE}); use a shorter pattern or fewer repetitions`;
    return undefined;
  } catch (e) {
    if (e instanceof Problem) return `is not a regular expression Envoy accepts (RE2 syntax): ${e.message}`;
    throw e;
  }
}

/**
 * A recursive-descent reader of RE2's syntax that returns an estimate of the program size RE2
 * compiles (instructions: one per literal or class, plus the jumps of alternations and
 * repetitions, two per capture). Depth is bounded by the pattern's length (255 at most here).
 */
class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  parse(): number {
    const size = this.alternation();
    if (this.i < this.s.length) fail(`unmatched ')' at position ${this.i + 1}`);
    // What RE2 adds around the pattern (its match and fail instructions, the whole match's
    // capture), calibrated on Envoy 1.40: `a{96}` is accepted and `a{97}` refused.
    return size + 4;
  }

  private peek(n = 0) { return this.s[this.i + n]; }

  private alternation(): number {
    let size = this.sequence();
    while (this.peek() === "|") { this.i++; size += this.sequence() + 1; }
    return size;
  }

  private sequence(): number {
    let size = 0;
    while (this.i < this.s.length && this.peek() !== "|" && this.peek() !== ")") {
      const start = this.i;
      const atom = this.atom();
      size += this.repetition(atom, start);
    }
    return size;
  }

  /** An atom's size once repeated; RE2 refuses a repetition of a repetition (`a**`) and possessive ones (`a*+`). */
  private repetition(atom: { size: number; repeatable: boolean }, start: number): number {
    const c = this.peek();
    let size = atom.size;
    if (c === "*" || c === "+" || c === "?") {
      if (!atom.repeatable) fail(`nothing to repeat before '${c}' at position ${this.i + 1}`);
      this.i++;
      size = atom.size + 1;
    } else if (c === "{" && /^\{\d+(,\d*)?\}/.test(this.s.slice(this.i))) {
      if (!atom.repeatable) fail(`nothing to repeat before '{' at position ${this.i + 1}`);
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.s.slice(this.i))!;
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : m[3] === "" ? undefined : Number(m[3]);
      if (min > MAX_REPEAT || (max ?? 0) > MAX_REPEAT) fail(`a repetition count above ${MAX_REPEAT} in ${m[0]}`);
      if (max !== undefined && max < min) fail(`the repetition ${m[0]} counts down`);
      this.i += m[0].length;
      size = min * atom.size + (max === undefined ? atom.size + 1 : (max - min) * (atom.size + 1));
    } else return size;
    if (this.peek() === "?") this.i++; // lazy
    const next = this.peek();
    if (next === "+") fail(`possessive quantifiers (${this.s.slice(start, this.i + 1)}) are not supported`);
    if (next === "*" || next === "?" || (next === "{" && /^\{\d+(,\d*)?\}/.test(this.s.slice(this.i)))) fail(`a repetition of a repetition at position ${this.i + 1} (RE2 refuses "**"; group it first)`);
    return size;
  }

  private atom(): { size: number; repeatable: boolean } {
    const c = this.s[this.i++];
    switch (c) {
      case "(": return this.group();
      case "[": this.charClass(); return { size: 1, repeatable: true };
      case "\\": return this.escape();
      case "^": case "$": return { size: 1, repeatable: false };
      case "*": case "+": case "?": return fail(`nothing to repeat before '${c}' at position ${this.i}`);
      default: return { size: 1, repeatable: true };
    }
  }

  private group(): { size: number; repeatable: boolean } {
    let capture = true;
    const rest = this.s.slice(this.i);
    if (rest.startsWith("?")) {
      if (/^\?(=|!|<=|<!)/.test(rest)) fail("lookarounds ((?=…), (?!…), (?<=…), (?<!…)) are not supported");
      if (rest.startsWith("?>")) fail("atomic groups ((?>…)) are not supported");
      if (/^\?\(/.test(rest) || /^\?R\)/.test(rest) || /^\?\d/.test(rest)) fail("conditionals and recursion are not supported");
      const named = /^\?P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
      const flags = /^\?([imsU]*)(-[imsU]*)?(:|\))/.exec(rest);
      if (named) this.i += named[0].length;
      else if (flags && (flags[1] || flags[2] || flags[3] === ":")) {
        if (flags[2] === "-") fail("a flag group with '-' and no flag after it");
        this.i += flags[0].length;
        if (flags[3] === ")") return { size: 0, repeatable: false };
        capture = false;
      } else fail(`unknown group syntax (${rest.slice(0, 4)}…)`);
    }
    const size = this.alternation();
    if (this.peek() !== ")") fail("a group is not closed (missing ')')");
    this.i++;
    return { size: size + (capture ? 2 : 0), repeatable: true };
  }

  private escape(): { size: number; repeatable: boolean } {
    const c = this.s[this.i++];
    if (c === undefined) fail("the pattern ends with a lone '\\'");
    if (/[1-9]/.test(c)) fail(`backreferences (\\${c}) are not supported`);
    if (c === "k" && this.peek() === "<") fail("named backreferences (\\k<…>) are not supported");
    if (ASSERTION_ESCAPES.includes(c)) return { size: 1, repeatable: false };
    if (c === "C") return { size: 1, repeatable: true }; // any byte
    if (c === "Q") {
      const end = this.s.indexOf("\\E", this.i);
      const text = this.s.slice(this.i, end < 0 ? undefined : end);
      this.i = end < 0 ? this.s.length : end + 2;
      return { size: Math.max(text.length, 1), repeatable: true };
    }
    this.escapeBody(c);
    return { size: 1, repeatable: true };
  }

  /** The rest of an escape that stands for characters (shared by classes): `\d`, `\x41`, `\pL`, `\.`. */
  private escapeBody(c: string): void {
    if (CLASS_ESCAPES.includes(c) || CONTROL_ESCAPES.includes(c)) return;
    if (c === "0") { while (/[0-7]/.test(this.peek() ?? "") ) this.i++; return; }
    if (c === "x") {
      // Envoy 1.40 refuses `\x{263a}` ("invalid escape sequence"): beyond two digits, write the character.
      const m = /^(\{[0-9A-Fa-f]{1,2}\}|[0-9A-Fa-f]{2})/.exec(this.s.slice(this.i));
      if (!m) fail("\\x needs two hex digits (\\x41 or \\x{41}); write other characters as themselves");
      this.i += m![0].length;
      return;
    }
    if (c === "p" || c === "P") {
      const m = /^(\{\^?[A-Za-z_]+\}|[A-Za-z])/.exec(this.s.slice(this.i));
      if (!m) fail(`\\${c} needs a Unicode class such as \\pL or \\p{Greek}`);
      this.i += m![0].length;
      return;
    }
    if (/[A-Za-z0-9_]/.test(c)) fail(`\\${c} is not an escape RE2 knows`);
    // Any other punctuation stands for itself.
  }

  private charClass(): void {
    if (this.peek() === "^") this.i++;
    let first = true;
    while (this.i < this.s.length && (this.peek() !== "]" || first)) {
      first = false;
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(this.s.slice(this.i));
      if (posix) {
        if (!POSIX_CLASSES.includes(posix[2])) fail(`unknown character class [:${posix[2]}:]`);
        this.i += posix[0].length;
        continue;
      }
      const lo = this.classChar();
      // After a class escape (`[\d-z]`) a '-' is itself.
      if (lo !== undefined && this.peek() === "-" && this.peek(1) !== "]" && this.peek(1) !== undefined) {
        this.i++;
        const hi = this.classChar();
        if (hi === undefined) fail("a range in a character class must run between two characters");
        if (hi! < lo!) fail(`the range ${lo}-${hi} in a character class runs backwards`);
        continue;
      }
    }
    if (this.peek() !== "]") fail("a character class is not closed (missing ']')");
    this.i++;
  }

  /** One character of a class, or undefined for a class escape (`\d`). */
  private classChar(): string | undefined {
    const c = this.s[this.i++];
    if (c !== "\\") return c;
    const e = this.s[this.i++];
    if (e === undefined) fail("the pattern ends with a lone '\\'");
    if (/[1-9]/.test(e)) fail(`\\${e} is not valid in a character class`);
    if (ASSERTION_ESCAPES.includes(e) && e !== "b") fail(`\\${e} is not valid in a character class`);
    const at = this.i;
    this.escapeBody(e);
    if (CLASS_ESCAPES.includes(e) || e === "p" || e === "P") return undefined;
    if (e === "x") return String.fromCodePoint(parseInt(this.s.slice(at, this.i).replace(/[{}]/g, ""), 16));
    const controls: Record<string, string> = { a: "\x07", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v" };
    return controls[e] ?? e;
  }
}
