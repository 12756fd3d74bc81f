// Every exported function, class, function-valued const, interface and type alias carries a JSDoc
// comment (`/** ... */`) saying why it exists and, where one applies, its normalization
// (docs/conventions.md). This test parses the sources with the TypeScript compiler and lists the
// exports without one; a `//` comment does not count, since editors and the .d.ts output show only
// JSDoc. Re-exports (`export { x } from`) are documented where they are declared.

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Every source folder: the whole TypeScript API and the web app. */
const CHECKED = ["src", "web/src"];

interface Undocumented {
  file: string;
  line: number;
  kind: "function" | "class" | "const" | "interface" | "type";
  name: string;
}

const isExported = (node: ts.Node): boolean =>
  ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);

/** A `/** ... *\/` comment with some text, among the comments just before the node. */
function hasJsDoc(source: string, node: ts.Node): boolean {
  const comments = ts.getLeadingCommentRanges(source, node.getFullStart()) ?? [];
  return comments.some((c) => {
    const text = source.slice(c.pos, c.end);
    return text.startsWith("/**") && text.replace(/^\/\*\*|\*\/$|^\s*\*/gm, "").trim().length > 0;
  });
}

/** Function-valued initializers: arrow functions and function expressions, possibly parenthesized or asserted. */
function isFunctionValue(node: ts.Expression | undefined): boolean {
  while (node && (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node))) node = node.expression;
  return !!node && (ts.isArrowFunction(node) || ts.isFunctionExpression(node));
}

/** The exported declarations of one source text that have no JSDoc comment. */
function undocumentedExports(file: string, source: string): Undocumented[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, file.endsWith("x") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: Undocumented[] = [];
  const seenFunctions = new Set<string>();
  const add = (node: ts.Node, kind: Undocumented["kind"], name: string) => {
    if (!hasJsDoc(source, node)) found.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, kind, name });
  };
  for (const statement of sf.statements) {
    if (!isExported(statement)) continue;
    if (ts.isFunctionDeclaration(statement)) {
      const name = statement.name?.text ?? "default";
      // Overloads share the first signature's comment.
      if (!seenFunctions.has(name)) add(statement, "function", name);
      seenFunctions.add(name);
    } else if (ts.isClassDeclaration(statement)) add(statement, "class", statement.name?.text ?? "default");
    else if (ts.isInterfaceDeclaration(statement)) add(statement, "interface", statement.name.text);
    else if (ts.isTypeAliasDeclaration(statement)) add(statement, "type", statement.name.text);
    else if (ts.isVariableStatement(statement)) {
      const functions = statement.declarationList.declarations.filter((d) => isFunctionValue(d.initializer));
      if (functions.length > 0) add(statement, "const", functions.map((d) => d.name.getText(sf)).join(", "));
    }
  }
  return found;
}

function sourceFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return /\.tsx?$/.test(path) ? [path] : [];
  return readdirSync(path).flatMap((name) => sourceFiles(join(path, name)));
}

describe("exported declarations have doc comments", () => {
  it("finds undocumented functions, classes, function consts, interfaces and types, and accepts documented ones", () => {
    const source = [
      "/** Documented: the sphere of radius sqrt(d). */",
      "export function documented() {}",
      "export function bare() {}",
      "// a line comment is not a doc comment",
      "export class Lined {}",
      "/* nor is a block comment */",
      "export const arrow = (x: number) => x;",
      "/** */",
      "export interface Empty {}",
      "export type Alias = number;",
      "export const notAFunction = 3;",
      "function internal() {}",
      "/** Overloads share the first comment. */",
      "export function over(x: number): number;",
      "export function over(x: string): string;",
      "export function over(x: unknown) { return x; }",
      "export const wrapped = ((x: number) => x) as (x: number) => number, other = 1;",
      "/** Documented const, 1/2 E[(f - y)^2]. */",
      "export const loss = function (r: number) { return r * r / 2; };",
      "export { internal };",
      "export default class {}",
    ].join("\n");
    const found = undocumentedExports("synthetic.ts", source).map((f) => `${f.line} ${f.kind} ${f.name}`);
    expect(found).toEqual([
      "3 function bare",
      "5 class Lined",
      "7 const arrow",
      "9 interface Empty",
      "10 type Alias",
      "17 const wrapped",
      "21 class default",
    ]);
  });

  it("every export in src/ and web/src has one", () => {
    const files = CHECKED.flatMap((entry) => sourceFiles(join(ROOT, entry)));
    expect(files.length).toBeGreaterThan(200);
    const found = files.flatMap((path) => undocumentedExports(relative(ROOT, path), readFileSync(path, "utf8")));
    expect(found.map((f) => `${f.file}:${f.line} ${f.kind} ${f.name}`)).toEqual([]);
  });
});
