import { Link } from 'react-router';
import { EmptyState } from '@/components/States';

export default function NotFoundRoute() {
  return (
    <EmptyState title="Page not found">
      <Link to="/" className="link">
        Back to the overview
      </Link>
    </EmptyState>
  );
}
