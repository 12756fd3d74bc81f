// Same bits in every engine: ECMAScript leaves the last bits of Math.exp, Math.log, Math.sin, ...
// and of `x ** y` to the engine (Chromium 156's differ from Node 20's), so no value on a result
// path may go through them; src/special/portableMath.ts has fixed-rounding replacements. This test
// parses src/ and web/src/ with the TypeScript compiler and fails on any such use outside the
// allow-list below, each entry with the reason it cannot reach a result. Allowed everywhere:
// `x ** 2` (x * x in fdlibm's pow, which returns it for y = 2, and in any correctly rounded pow)
// and `2 ** n` for an integer literal n (an exact power of two). It also checks that the stdlib
// modules behind portableMath call no Math.* transcendental themselves.

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Math members whose results the standard leaves implementation-approximated. */
const APPROXIMATED = new Set([
  "exp", "expm1", "log", "log1p", "log2", "log10", "pow", "sin", "cos", "tan", "asin", "acos", "atan", "atan2",
  "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "hypot", "cbrt",
]);

interface Finding {
  file: string;
  line: number;
  /** The innermost named function or method around the use, else the top-level variable ("" if none). */
  scope: string;
  /** What was found: `Math.exp`, `Math[...]`, `{ ... } = Math` or `**`. */
  what: string;
}

function scopeName(node: ts.Node): string {
  let variable = "";
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if ((ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n)) && n.name && ts.isIdentifier(n.name)) return n.name.text;
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name)) variable = n.name.text;
  }
  return variable;
}

function isIntegerLiteral(node: ts.Expression): boolean {
  if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.MinusToken) return isIntegerLiteral(node.operand);
  return ts.isNumericLiteral(node) && /^\d+$/.test(node.text);
}

/** `x ** 2` or `2 ** n` with n an integer literal: exact in every engine's pow. */
function exactPower(left: ts.Expression, right: ts.Expression): boolean {
  if (ts.isNumericLiteral(right) && right.text === "2") return true;
  return ts.isNumericLiteral(left) && left.text === "2" && isIntegerLiteral(right);
}

/** Every use of an engine-rounded transcendental in one source text. */
function scanSource(file: string, source: string): Finding[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, file.endsWith("x") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: Finding[] = [];
  const add = (node: ts.Node, what: string) =>
    found.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, scope: scopeName(node), what });
  const isMath = (e: ts.Expression) => ts.isIdentifier(e) && e.text === "Math";
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node) && isMath(node.expression) && APPROXIMATED.has(node.name.text)) add(node, `Math.${node.name.text}`);
    else if (ts.isElementAccessExpression(node) && isMath(node.expression)) add(node, "Math[...]");
    else if (ts.isVariableDeclaration(node) && ts.isObjectBindingPattern(node.name) && node.initializer && isMath(node.initializer)) add(node, "{ ... } = Math");
    else if (ts.isBinaryExpression(node)) {
      const op = node.operatorToken.kind;
      if ((op === ts.SyntaxKind.AsteriskAsteriskToken || op === ts.SyntaxKind.AsteriskAsteriskEqualsToken) && !exactPower(node.left, node.right)) add(node, "**");
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

function sourceFiles(dir: string, pattern: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path, pattern);
    return pattern.test(name) ? [path] : [];
  });
}

/** Uses that reach no result: file, scope (as in Finding), what, and why. */
const ALLOWED: { file: string; scope: string; what: string; reason: string }[] = [
];

const key = (f: { file: string; scope: string; what: string }) => `${f.file} ${f.scope} ${f.what}`;

describe("no engine-rounded Math on a result path", () => {
  it("finds Math transcendentals, Math aliases and general powers, and nothing in comments, strings or exact powers", () => {
    const source = [
      "// Math.exp(x) in a comment, x ** 3 too",
      'const label = "Math.log(y)";',
      "function sigmoid(t: number) { return 1 / (1 + Math.exp(-t)); }",
      "const f = [1, 2].map(Math.log);",
      "class Rule { weight(z: number) { return Math.sin(z) * Math.sqrt(z) * Math.abs(z); } }",
      "const cube = (x: number) => x ** 3;",
      "const root = 2 ** 0.25;",
      "let y = 3; y **= 1.5;",
      'const alias = Math["cos"];',
      "const { tanh } = Math;",
      "const exact = 2 ** -52 + 2 ** 31 + 5 ** 2 + (1 - 0.5) ** 2;",
      "const message = `${Math.hypot(3, 4)}`;",
    ].join("\n");
    const found = scanSource("synthetic.ts", source).map((f) => `${f.line} ${f.scope} ${f.what}`);
    expect(found).toEqual([
      "3 sigmoid Math.exp",
      "4 f Math.log",
      "5 weight Math.sin",
      "6 cube **",
      "7 root **",
      "8  **",
      "9 alias Math[...]",
      "10  { ... } = Math",
      "12 message Math.hypot",
    ]);
  });

  it("src/ and web/src/ use none outside the allow-list, and every allow-list entry is still needed", () => {
    const files = [...sourceFiles(join(ROOT, "src"), /\.ts$/), ...sourceFiles(join(ROOT, "web/src"), /\.ts$/)];
    expect(files.length).toBeGreaterThan(100);
    const found = files.flatMap((path) => scanSource(relative(ROOT, path), readFileSync(path, "utf8")));
    const allowed = new Set(ALLOWED.map(key));
    expect(found.filter((f) => !allowed.has(key(f))).map((f) => `${f.file}:${f.line} ${f.what} in ${f.scope || "top level"}`)).toEqual([]);
    const used = new Set(found.map(key));
    expect(ALLOWED.filter((a) => !used.has(key(a))).map(key)).toEqual([]);
  });

  it("the stdlib modules behind portableMath use no Math transcendental either", () => {
    const stdlib = join(ROOT, "node_modules/@stdlib");
    const files = readdirSync(stdlib).flatMap((pkg) => {
      const lib = join(stdlib, pkg, "lib");
      try {
        return sourceFiles(lib, /\.js$/);
      } catch {
        return [];
      }
    });
    expect(files.length).toBeGreaterThan(100);
    const found = files.flatMap((path) => scanSource(relative(ROOT, path), readFileSync(path, "utf8")));
    expect(found.map((f) => `${f.file}:${f.line} ${f.what}`)).toEqual([]);
  });
});
