// Routes; each page is its own chunk, loaded when first visited.
import { createBrowserRouter } from 'react-router';
import { AppLayout, PageLoading } from './layout';
import { RouteError } from './route-error';

export const router = createBrowserRouter([
  {
    path: '/',
    Component: AppLayout,
    ErrorBoundary: RouteError,
    HydrateFallback: PageLoading,
    children: [
      { index: true, lazy: async () => ({ Component: (await import('./routes/overview')).default }) },
      { path: 'tutors', lazy: async () => ({ Component: (await import('./routes/tutors')).default }) },
      { path: 'tutors/:id', lazy: async () => ({ Component: (await import('./routes/tutor-detail')).default }) },
      { path: 'alerts', lazy: async () => ({ Component: (await import('./routes/alerts')).default }) },
      { path: 'upcoming', lazy: async () => ({ Component: (await import('./routes/upcoming')).default }) },
      { path: 'users', lazy: async () => ({ Component: (await import('./routes/users')).default }) },
      { path: 'audit', lazy: async () => ({ Component: (await import('./routes/audit')).default }) },
      { path: 'interventions', lazy: async () => ({ Component: (await import('./routes/interventions')).default }) },
      { path: 'effectiveness', lazy: async () => ({ Component: (await import('./routes/effectiveness')).default }) },
      { path: 'model', lazy: async () => ({ Component: (await import('./routes/model')).default }) },
      { path: 'alerts/:id', lazy: async () => ({ Component: (await import('./routes/alert-detail')).default }) },
      { path: '*', lazy: async () => ({ Component: (await import('./routes/not-found')).default }) },
    ],
  },
]);
