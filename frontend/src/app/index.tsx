import { RouterProvider } from 'react-router';
import { Provider } from 'urql';
import { graphqlClient } from '@/lib/graphql-client';
import { router } from './router';

export function App() {
  return (
    <Provider value={graphqlClient}>
      <RouterProvider router={router} />
    </Provider>
  );
}
