import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '..', '..');
const ENTRY = join(ROOT, 'src', 'audit', 'bundleVerify.ts');
const ALLOWED_FILES = new Set(['src/audit/bundleVerify.ts', 'src/audit/merkleVerify.ts']);
const ALLOWED_PACKAGES = new Set(['zod', '@js-temporal/polyfill']);

/** Every source file the module reaches through its imports (type-only ones too). */
function importGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    const name = relative(ROOT, file).split('\\').join('/');
    if (files.has(name)) continue;
    files.add(name);
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith('.')) {
        packages.add(fileName);
        continue;
      }
      const base = resolve(dirname(file), fileName);
      const found = [`${base}.ts`, join(base, 'index.ts')].find((path) => existsSync(path));
      if (found === undefined) throw new Error(`${name} imports ${fileName}, which is not found`);
      pending.push(found);
    }
  }
  return { files, packages };
}

describe('the offline bundle verifier', () => {
  it('imports only merkleVerify.ts, the domain and pure packages: never the proof generator or a store', () => {
    const { files, packages } = importGraph(ENTRY);
    const outside = [...files].filter(
      (file) => !ALLOWED_FILES.has(file) && !file.startsWith('src/domain/'),
    );
    expect(outside).toEqual([]);
    const impure = [...packages].filter(
      (name) => !name.startsWith('node:crypto') && !ALLOWED_PACKAGES.has(name),
    );
    expect(impure).toEqual([]);
    expect(files).toContain('src/audit/merkleVerify.ts');
    expect(files).toContain('src/domain/agreement/evolve.ts');
  });
});
