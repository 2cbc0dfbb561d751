import { lazy, Suspense } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { PolicyPanelProvider } from './policy-panel/policy-panel-provider';
import { useSessionContext } from './session/session-context';
import { AppShell } from './shell/app-shell';
import { PageLoading } from './shell/page-loading';

const SigninPage = lazy(() => import('./pages/signin/signin-page'));
const SetupPage = lazy(() => import('./pages/signin/setup-page'));
const PasswordResetPage = lazy(() => import('./shell/password-reset-page'));

/**
 * Signed out: sign-in and the one-time setup page; signed in: the shell, or only the form that
 * changes the password while the login profile requires a reset.
 */
export const App = () => {
  const { state } = useSessionContext();
  const location = useLocation();
  if (state.status === 'loading') return <PageLoading />;
  if (state.status === 'signed-out') {
    return (
      <Suspense fallback={<PageLoading />}>
        <Routes>
          <Route path="/setup" element={<SetupPage />} />
          <Route path="/signin" element={<SigninPage />} />
          <Route path="*" element={<Navigate to="/signin" replace state={{ from: location.pathname }} />} />
        </Routes>
      </Suspense>
    );
  }
  if (state.session.PasswordResetRequired) {
    return (
      <Suspense fallback={<PageLoading />}>
        <PasswordResetPage />
      </Suspense>
    );
  }
  return (
    <PolicyPanelProvider>
      <AppShell />
    </PolicyPanelProvider>
  );
};
