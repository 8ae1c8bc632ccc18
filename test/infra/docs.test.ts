import { existsSync, readdirSync, readFileSync } from "node:fs";
import { extname, join, relative } from "node:path";
import * as ts from "typescript";

/**
 * The why stays with the code: a source comment may cite only documents in this repository. Citations of
 * the vendor-contract docs (`docs/platforms/<platform>.md §N`) must name a file that exists and a section
 * heading it has (`## N. …`); citations of notes kept outside the repository are refused.
 */
const ROOT = join(__dirname, "..", "..");
const SOURCE_DIRS = ["lib", "functions", "bot", "scripts", "test", "infra", "types", "bench"];
const SOURCE_EXTENSIONS = new Set([".ts", ".mts", ".cts", ".js", ".mjs", ".cjs"]);

export interface Comment {
  file: string;
  line: number;
  text: string;
}

export interface Problem extends Comment {
  problem: string;
}

/** Every comment of a TypeScript or JavaScript file, found by the compiler's parser (strings and regexes are not comments). */
export function commentsOf(file: string, source: string): Comment[] {
  const kind = /\.[mc]?js$/.test(file) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, kind);
  const seen = new Set<number>();
  const out: Comment[] = [];
  const collect = (ranges: readonly ts.CommentRange[] | undefined) => {
    for (const range of ranges ?? []) {
      if (seen.has(range.pos)) continue;
      seen.add(range.pos);
      out.push({ file, line: sf.getLineAndCharacterOfPosition(range.pos).line + 1, text: source.slice(range.pos, range.end) });
    }
  };
  const visit = (node: ts.Node) => {
    collect(ts.getLeadingCommentRanges(source, node.pos));
    collect(ts.getTrailingCommentRanges(source, node.end));
    for (const child of node.getChildren(sf)) visit(child);
  };
  visit(sf);
  return out.sort((a, b) => a.line - b.line);
}

/** Section numbers of a markdown file: headings such as `## 3. Authentication` or `## §3 …`. */
export function sectionsOf(markdown: string): Set<string> {
  const sections = new Set<string>();
  for (const match of markdown.matchAll(/^#{1,6}\s+§?(\d+(?:\.\d+)*)[.)\s]/gm)) sections.add(match[1]!);
  return sections;
}

/** Notes kept outside the repository: the word "notes" (or "notes'") before a section sign, or a path into ../shared. */
const OUTSIDE = [/\bnotes'?\s*§/i, /\.\.\/shared\//];
/** `docs/platforms/<name>.md` followed by its section list: "§4", "§4, §7", "§1 and §2". */
const CITATION = /docs\/platforms\/([\w.-]+?\.md)((?:\s*(?:,|and|or)?\s*§\s*\d+(?:\.\d+)*)*)/g;
/** A section of a markdown file cited by its name alone, without `docs/platforms/`: it must carry its path. */
const BARE = /(?<![\w/.-])([\w-]+\.md)\s*§\s*\d/g;

export function problemsIn(comments: readonly Comment[], readDoc: (path: string) => string | undefined): Problem[] {
  const problems: Problem[] = [];
  for (const comment of comments) {
    // The line of the match itself, not of the comment's first line.
    const lineOf = (index: number) => comment.line + (comment.text.slice(0, index).match(/\n/g)?.length ?? 0);
    const report = (index: number, problem: string) => problems.push({ ...comment, line: lineOf(index), problem });
    for (const pattern of OUTSIDE) {
      const found = pattern.exec(comment.text);
      if (found) report(found.index, `cites a document outside the repository (${pattern.source}): cite docs/platforms/<platform>.md §N or the vendor's page`);
    }
    for (const match of comment.text.matchAll(BARE)) report(match.index!, `cites "${match[0]}" without its path: write docs/platforms/${match[1]}`);
    for (const match of comment.text.matchAll(CITATION)) {
      const path = `docs/platforms/${match[1]}`;
      const doc = readDoc(path);
      if (doc === undefined) {
        report(match.index!, `cites ${path}, which does not exist`);
        continue;
      }
      const sections = sectionsOf(doc);
      for (const [, number] of match[2]!.matchAll(/§\s*(\d+(?:\.\d+)*)/g)) {
        if (!sections.has(number!)) report(match.index!, `cites ${path} §${number}, but ${path} has no section ${number} (it has ${[...sections].join(", ") || "none"})`);
      }
    }
  }
  return problems;
}

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return SOURCE_EXTENSIONS.has(extname(entry.name)) ? [path] : [];
  });
}

const readRepoDoc = (path: string): string | undefined => {
  const full = join(ROOT, path);
  return existsSync(full) ? readFileSync(full, "utf8") : undefined;
};

describe("comments cite documents in the repository", () => {
  it("cites no notes outside the repository, and every docs/platforms citation names an existing file and section", () => {
    const files = SOURCE_DIRS.flatMap((dir) => sourceFiles(join(ROOT, dir)));
    expect(files.length).toBeGreaterThan(50);
    const comments = files.flatMap((file) => commentsOf(relative(ROOT, file), readFileSync(file, "utf8")));
    const problems = problemsIn(comments, readRepoDoc).map((p) => `${p.file}:${p.line}: ${p.problem}`);
    expect(problems).toEqual([]);
  });

  it("every platform doc has numbered sections", () => {
    for (const name of readdirSync(join(ROOT, "docs", "platforms")).filter((n) => n.endsWith(".md"))) {
      expect([name, sectionsOf(readFileSync(join(ROOT, "docs", "platforms", name), "utf8")).size > 0]).toEqual([name, true]);
    }
  });

  describe("the check itself", () => {
    const docs: Record<string, string> = { "docs/platforms/demo.md": "# Demo\n\n## 1. Role\ntext\n## 2. Request\n### 2.1 Fields\n" };
    const check = (source: string) => problemsIn(commentsOf("demo.ts", source), (path) => docs[path]).map((p) => `${p.line}: ${p.problem}`);

    it("refuses notes outside the repository, in every comment form", () => {
      const source = ["/** The reply (notes §4). */", "// see the notes' §2 sample", "/* ../shared/platforms/x.md */", "const x = 1;"].join("\n");
      expect(check(source)).toEqual([expect.stringMatching(/^1: cites a document outside/), expect.stringMatching(/^2: cites a document outside/), expect.stringMatching(/^3: cites a document outside/)]);
    });

    it("refuses a missing file, a missing section and a citation without its path", () => {
      const source = [
        "/**",
        " * Fine: docs/platforms/demo.md §1, §2 and §2.1, and docs/platforms/demo.md without a section.",
        " * Wrong: docs/platforms/demo.md §1, §3; docs/platforms/other.md §1; demo.md §2.",
        " */",
        "export const y = 2;",
      ].join("\n");
      expect(check(source)).toEqual([
        `3: cites "demo.md §2" without its path: write docs/platforms/demo.md`,
        "3: cites docs/platforms/demo.md §3, but docs/platforms/demo.md has no section 3 (it has 1, 2, 2.1)",
        "3: cites docs/platforms/other.md, which does not exist",
      ]);
    });

    it("ignores strings, template literals and regexes that mention notes", () => {
      const source = [
        'const a = "notes §4";',
        "const b = `docs/platforms/other.md §9`;",
        "const c = /notes §\\d/;",
        'it("renders the notes\' §4 reply", () => {}); // docs/platforms/demo.md §2',
      ].join("\n");
      expect(check(source)).toEqual([]);
    });
  });
});
