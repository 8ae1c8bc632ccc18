import { readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import * as ts from "typescript";

/**
 * The import graph of the project's sources (tsconfig.json's files but test/ and types/: lib/, functions/, bot/,
 * scripts/, app/ once the composition root moves there), resolved by TypeScript itself (tsconfig.json's options:
 * moduleResolution "bundler", index files, .ts extensions), as `madge --circular` would draw it:
 * - no import cycle among lib/ and functions/ modules (and app/'s, the composition root, when it exists);
 * - lib/ imports nothing from bot/ (the example bot is injected), but for the allow-list below.
 *
 * Edges: `import … from`, `export … from`, `import x = require(…)`, and `import(…)` / `require(…)` calls (lazy,
 * but still a runtime edge). An edge is type-only when nothing of it survives compilation: `import type`,
 * `export type … from`, an import whose named bindings are all `type`, and `import("…")` in a type position.
 * Cycles are looked for among runtime edges only: a type-only edge is erased, so it cannot make a module see
 * another half-initialised. A lib→bot edge counts whatever its kind: lib/ should not even know the bot's types.
 */

const ROOT = join(__dirname, "..", "..");

interface Edge {
  to: string;
  typeOnly: boolean;
}

const posix = (path: string) => path.split(sep).join("/");

const config = ts.parseJsonConfigFileContent(ts.readConfigFile(join(ROOT, "tsconfig.json"), ts.sys.readFile).config, ts.sys, ROOT);
const cache = ts.createModuleResolutionCache(ROOT, (name) => name, config.options);

/** Unresolved project-relative specifiers, so a resolution failure cannot hide an edge. */
const unresolved: string[] = [];

/** Every import of one file that resolves into the project (packages and Node built-ins are left out). */
function importsOf(file: string): Edge[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const edges: Edge[] = [];
  const add = (specifier: string, typeOnly: boolean) => {
    const resolved = ts.resolveModuleName(specifier, file, config.options, ts.sys, cache).resolvedModule;
    if (resolved && !resolved.isExternalLibraryImport && !resolved.resolvedFileName.includes(`${sep}node_modules${sep}`)) {
      edges.push({ to: posix(relative(ROOT, resolved.resolvedFileName)), typeOnly });
    } else if (!resolved && specifier.startsWith(".")) unresolved.push(`${posix(relative(ROOT, file))}: "${specifier}"`);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      const allTypes = !!bindings && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
      add(node.moduleSpecifier.text, !!clause && (clause.isTypeOnly || (!clause.name && allTypes)));
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const named = node.exportClause;
      const allTypes = !!named && ts.isNamedExports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
      add(node.moduleSpecifier.text, node.isTypeOnly || allTypes);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      add(node.moduleReference.expression.text, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.arguments.length >= 1 && ts.isStringLiteralLike(node.arguments[0]!)) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === "require")) add(node.arguments[0].text, false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node.argument.literal.text, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

/** The graph: project-relative module path → its edges, for every source file tsconfig.json names but tests and declarations. */
function buildGraph(): Map<string, Edge[]> {
  const graph = new Map<string, Edge[]>();
  for (const file of config.fileNames) {
    const module = posix(relative(ROOT, file));
    if (/^(test|types)\//.test(module) || module.endsWith(".d.ts")) continue;
    graph.set(module, importsOf(file));
  }
  return graph;
}

/**
 * The cycles among `scope`'s modules (Tarjan's strongly connected components of more than one module, or a module
 * importing itself), each as `a → b → … → a` along one actual path, sorted: a stable message for a failing test.
 */
function findCycles(graph: ReadonlyMap<string, readonly Edge[]>, scope: (module: string) => boolean, runtimeOnly = true): string[] {
  const next = (v: string) => [...new Set((graph.get(v) ?? []).filter((e) => scope(e.to) && !(runtimeOnly && e.typeOnly)).map((e) => e.to))].sort();
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next(v)) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || next(v).includes(v)) components.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].filter(scope).sort()) if (!index.has(v)) connect(v);

  // One concrete loop per component: a shortest path from its first module back to itself, inside the component.
  return components
    .map((component) => {
      const inside = new Set(component);
      const start = component[0]!;
      const parent = new Map<string, string>();
      const queue = [start];
      for (let i = 0; i < queue.length; i++) {
        const v = queue[i]!;
        for (const w of next(v).filter((m) => inside.has(m))) {
          if (w === start) {
            const path = [v];
            while (path[0] !== start) path.unshift(parent.get(path[0]!)!);
            const loop = [...path, start].join(" → ");
            return component.length > path.length ? `${loop} (component of ${component.length}: ${component.join(", ")})` : loop;
          }
          if (!parent.has(w)) {
            parent.set(w, v);
            queue.push(w);
          }
        }
      }
      return component.join(" ↔ ");
    })
    .sort();
}

const graph = buildGraph();
const inLibOrFunctions = (module: string) => /^(lib|functions|app)\//.test(module);

test("the graph is resolved by TypeScript: every relative import resolves, through index files too", () => {
  expect(unresolved).toEqual([]);
  for (const dir of ["lib/", "functions/", "bot/", "scripts/"]) expect([...graph.keys()].some((m) => m.startsWith(dir))).toBe(true);
  expect(graph.get("functions/bm-webhook.ts")).toContainEqual({ to: "lib/platforms/business-messenger/platform.ts", typeOnly: false });
  // `../../conversation` is lib/conversation/index.ts; `import type` is told apart.
  expect(graph.get("lib/platforms/botpress/render.ts")).toContainEqual({ to: "lib/conversation/index.ts", typeOnly: false });
  expect(graph.get("lib/platforms/platform.ts")).toContainEqual({ to: "lib/runtime.ts", typeOnly: true });
});

test("no import cycle among lib/ and functions/ modules (runtime imports; type-only ones are erased)", () => {
  expect(findCycles(graph, inLibOrFunctions)).toEqual([]);
});

test("no import cycle anywhere in the sources either (bot/, scripts/ too: a loop through the bot would close lib/ on itself)", () => {
  expect(findCycles(graph, () => true)).toEqual([]);
});

test("lib/ imports nothing from bot/ (the bot is injected by the composition root in app/)", () => {
  const libToBot = [...graph]
    .filter(([module]) => module.startsWith("lib/"))
    .flatMap(([module, edges]) => edges.filter((e) => e.to.startsWith("bot/")).map((e) => `${module} → ${e.to}`));
  expect(libToBot).toEqual([]);
});

test("the cycle finder itself: finds a runtime loop, names its path, ignores type-only edges and other folders", () => {
  const g = new Map<string, Edge[]>([
    ["lib/a.ts", [{ to: "lib/b.ts", typeOnly: false }]],
    ["lib/b.ts", [{ to: "lib/c.ts", typeOnly: false }, { to: "lib/d.ts", typeOnly: false }]],
    ["lib/c.ts", [{ to: "lib/a.ts", typeOnly: false }]],
    ["lib/d.ts", [{ to: "lib/e.ts", typeOnly: false }]],
    ["lib/e.ts", [{ to: "lib/d.ts", typeOnly: true }]],
    ["lib/self.ts", [{ to: "lib/self.ts", typeOnly: false }]],
    ["bot/x.ts", [{ to: "bot/y.ts", typeOnly: false }]],
    ["bot/y.ts", [{ to: "bot/x.ts", typeOnly: false }]],
  ]);
  expect(findCycles(g, inLibOrFunctions)).toEqual(["lib/a.ts → lib/b.ts → lib/c.ts → lib/a.ts", "lib/self.ts → lib/self.ts"]);
  expect(findCycles(g, inLibOrFunctions, false)).toEqual(["lib/a.ts → lib/b.ts → lib/c.ts → lib/a.ts", "lib/d.ts → lib/e.ts → lib/d.ts", "lib/self.ts → lib/self.ts"]);
});
