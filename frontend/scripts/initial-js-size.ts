// A build step that prints the gzipped size of the initial JavaScript (the entry chunk and every
// chunk it imports statically: what index.html loads before the first render) and fails the
// build above the budget. Lazy routes and charts are not counted: they load on demand.
import { gzipSync } from 'node:zlib';
import type { Plugin, Rollup } from 'vite';

export function initialJsBudget(limitKiB: number): Plugin {
  return {
    name: 'initial-js-budget',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = new Map<string, Rollup.OutputChunk>();
      for (const output of Object.values(bundle)) {
        if (output.type === 'chunk') chunks.set(output.fileName, output);
      }
      const initial = new Set<string>();
      const visit = (fileName: string) => {
        if (initial.has(fileName)) return;
        initial.add(fileName);
        chunks.get(fileName)?.imports.forEach(visit);
      };
      for (const chunk of chunks.values()) if (chunk.isEntry) visit(chunk.fileName);

      let bytes = 0;
      for (const fileName of initial) bytes += gzipSync(chunks.get(fileName)?.code ?? '').length;
      const kib = bytes / 1024;
      const summary = `initial JS: ${kib.toFixed(1)} KiB gzipped in ${initial.size} file(s) (budget ${limitKiB} KiB)`;
      if (kib > limitKiB) this.error(summary);
      console.log(`\n${summary}`);
    },
  };
}
