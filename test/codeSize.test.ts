// Files at most 400 lines and functions at most 100 lines, outside assembly/ (whose kernels are
// unrolled by hand): past those sizes a unit no longer reads as one concept. The test parses the
// sources with the TypeScript compiler and measures every function-like node with a body (methods,
// arrows and function expressions included), from its first token to its closing brace.
// test/ is not measured: its describe blocks are long lists of independent cases.

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const MEASURED = ["src", "web/src", "bench", "examples"];
const MAX_FILE_LINES = 400;
const MAX_FUNCTION_LINES = 100;

/** Every file over MAX_FILE_LINES and every function over MAX_FUNCTION_LINES in one source text. */
function oversized(file: string, source: string): string[] {
  const found: string[] = [];
  const lines = source.split("\n").length;
  if (lines > MAX_FILE_LINES) found.push(`${file}: ${lines} lines`);
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, file.endsWith("x") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && "body" in node && node.body) {
      const first = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const last = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      const named = "name" in node && node.name ? node.name : ts.isVariableDeclaration(node.parent) ? node.parent.name : undefined;
      const name = named ? named.getText(sf) : "<anonymous>";
      if (last - first + 1 > MAX_FUNCTION_LINES) found.push(`${file}:${first + 1} ${name}: ${last - first + 1} lines`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

function sourceFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return /\.(m?ts|tsx)$/.test(path) ? [path] : [];
  return readdirSync(path).flatMap((name) => sourceFiles(join(path, name)));
}

describe("code size", () => {
  it("flags a long file and a long function, and accepts short ones", () => {
    const body = (n: number) => Array.from({ length: n - 2 }, (_, i) => `  const v${i} = ${i};`).join("\n");
    const short = `export function short() {\n${body(100)}\n}`;
    expect(oversized("short.ts", short)).toEqual([]);
    const long = `const x = 1;\nexport const long = () => {\n${body(101)}\n};`;
    expect(oversized("long.ts", long)).toEqual(["long.ts:2 long: 101 lines"]);
    const method = `class C {\n  m() {\n${body(150)}\n  }\n}`;
    expect(oversized("method.ts", method)).toEqual(["method.ts:2 m: 150 lines"]);
    const file = Array.from({ length: 401 }, () => "// line").join("\n");
    expect(oversized("file.ts", file)).toEqual(["file.ts: 401 lines"]);
  });

  it(`no file over ${MAX_FILE_LINES} lines and no function over ${MAX_FUNCTION_LINES} lines outside assembly/`, () => {
    const files = MEASURED.flatMap((entry) => sourceFiles(join(ROOT, entry))).map((path) => relative(ROOT, path));
    expect(files.length).toBeGreaterThan(200);
    const found = files.flatMap((file) => oversized(file, readFileSync(join(ROOT, file), "utf8")));
    expect(found).toEqual([]);
  });
});
