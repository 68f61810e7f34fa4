import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { ApiError } from './api/client.ts';
import { SessionProvider, useSession } from './api/session.tsx';
import { Loading } from './components/bits.tsx';
import { Layout } from './components/layout.tsx';
import { ActionPage } from './pages/action-page.tsx';
import { ActionsPage } from './pages/actions-page.tsx';
import { AliasesPage } from './pages/aliases-page.tsx';
import { ExecutionPage } from './pages/execution-page.tsx';
import { ExecutionsPage } from './pages/executions-page.tsx';
import { InquiriesPage } from './pages/inquiries-page.tsx';
import { KeysPage } from './pages/keys-page.tsx';
import { PacksPage } from './pages/packs-page.tsx';
import { RulesPage } from './pages/rules-page.tsx';
import { SignIn } from './pages/sign-in.tsx';
import { TriggersPage } from './pages/triggers-page.tsx';
import './app.css';

const queries = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 5_000,
      // A refusal or a missing route will not change by asking again.
      retry: (n, e) => !(e instanceof ApiError && e.status < 500) && n < 2,
      refetchOnWindowFocus: false,
    },
  },
});

function Gate() {
  const { state } = useSession();
  if (state.status === 'loading') return <Loading what="your session" />;
  if (state.status === 'signed-out') return <SignIn message={state.message} />;
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<Navigate to="/executions" replace />} />
        <Route path="executions" element={<ExecutionsPage />} />
        <Route path="executions/:id" element={<ExecutionPage />} />
        <Route path="actions" element={<ActionsPage />} />
        <Route path="actions/:ref" element={<ActionPage />} />
        <Route path="rules" element={<RulesPage />} />
        <Route path="triggers" element={<TriggersPage />} />
        <Route path="inquiries" element={<InquiriesPage />} />
        <Route path="keys" element={<KeysPage />} />
        <Route path="packs" element={<PacksPage />} />
        <Route path="aliases" element={<AliasesPage />} />
        <Route path="*" element={<p className="state">There is no such page. Pick one from the menu.</p>} />
      </Route>
    </Routes>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queries}>
      <BrowserRouter>
        <SessionProvider>
          <Gate />
        </SessionProvider>
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
);
