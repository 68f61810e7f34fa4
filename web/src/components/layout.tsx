import { NavLink, Outlet } from 'react-router';
import { useSession } from '../api/session.tsx';

const NAV: [string, string][] = [
  ['/executions', 'Executions'],
  ['/actions', 'Actions'],
  ['/rules', 'Rules'],
  ['/triggers', 'Triggers'],
  ['/inquiries', 'Inquiries'],
  ['/keys', 'Keys'],
  ['/packs', 'Packs'],
  ['/aliases', 'Aliases'],
];

export function Layout() {
  const { state, signOut } = useSession();
  const who = state.status === 'signed-in' ? state.session : undefined;
  return (
    <div className="app">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Squall</span>
        <nav aria-label="Main">
          <ul>
            {NAV.map(([to, label]) => (
              <li key={to}>
                <NavLink to={to}>{label}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
        {who ? (
          <div className="who">
            <span title={`roles: ${who.roles.join(', ')}`}>
              {who.user} <span className="muted">({who.roles.join(', ')})</span>
            </span>
            <button type="button" onClick={() => void signOut()}>
              Sign out
            </button>
          </div>
        ) : null}
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
