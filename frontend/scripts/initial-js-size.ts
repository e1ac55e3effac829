// A build step that prints the gzipped size of the dashboard's initial JavaScript (its entry
// chunk and every chunk that imports statically: what index.html loads before the first
// render) and fails the build above the budget. Lazy routes and charts are not counted: they
// load on demand. Other entries (GraphiQL) are printed for information only.
import { gzipSync } from 'node:zlib';
import type { Plugin, Rollup } from 'vite';

export function initialJsBudget(limitKiB: number, budgetedEntry: string): Plugin {
  return {
    name: 'initial-js-budget',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = new Map<string, Rollup.OutputChunk>();
      for (const output of Object.values(bundle)) {
        if (output.type === 'chunk') chunks.set(output.fileName, output);
      }
      const initialFiles = (entry: Rollup.OutputChunk) => {
        const initial = new Set<string>();
        const visit = (fileName: string) => {
          if (initial.has(fileName)) return;
          initial.add(fileName);
          chunks.get(fileName)?.imports.forEach(visit);
        };
        visit(entry.fileName);
        return initial;
      };
      const entries = [...chunks.values()].filter((chunk) => chunk.isEntry);
      if (!entries.some((entry) => entry.name === budgetedEntry)) {
        this.error(`initial JS: no entry named "${budgetedEntry}" (entries: ${entries.map((e) => e.name).join(', ')})`);
      }
      for (const entry of entries) {
        const initial = initialFiles(entry);
        let bytes = 0;
        for (const fileName of initial) bytes += gzipSync(chunks.get(fileName)?.code ?? '').length;
        const kib = bytes / 1024;
        const budgeted = entry.name === budgetedEntry;
        const summary =
          `initial JS of ${entry.name}: ${kib.toFixed(1)} KiB gzipped in ${initial.size} file(s)` +
          (budgeted ? ` (budget ${limitKiB} KiB)` : ' (not budgeted)');
        if (budgeted && kib > limitKiB) this.error(summary);
        console.log(`\n${summary}`);
      }
    },
  };
}
