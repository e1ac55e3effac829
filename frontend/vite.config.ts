import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { initialJsBudget } from './scripts/initial-js-size.ts';

export default defineConfig({
  plugins: [react(), tailwindcss(), initialJsBudget(300, 'dashboard')],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  build: {
    rolldownOptions: {
      // Two pages: the dashboard, and GraphiQL (served at /graphiql), which shares only React
      // and the GraphQL client setup with it.
      input: {
        dashboard: fileURLToPath(new URL('./index.html', import.meta.url)),
        graphiql: fileURLToPath(new URL('./graphiql.html', import.meta.url)),
      },
    },
  },
  server: {
    // `npm run dev` talks to a tutorscore started separately (see the README).
    proxy: {
      '/graphql': { target: process.env.TUTORSCORE_URL ?? 'http://127.0.0.1:8080', ws: true },
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    // Formatted times are the same on every machine.
    env: { TZ: 'UTC' },
    setupFiles: ['src/testing/setup.ts'],
  },
});
