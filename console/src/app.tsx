import { ConfigProvider } from 'antd';
import { lazy, Suspense } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { PolicyPanelProvider } from './policy-panel/policy-panel-context';
import { useSessionContext } from './session/session-context';
import { AppShell } from './shell/app-shell';
import { PageLoading } from './shell/page-loading';

const SigninPage = lazy(() => import('./pages/signin/signin-page'));
const SetupPage = lazy(() => import('./pages/signin/setup-page'));

// Several of antd's default colours fall below WCAG AA's 4.5:1 for small text: the grey of help and
// secondary text (3.4:1), links (antd's own blue), and the text of green, gold and red tags and error
// messages. Darker shades of the same hues keep the look and pass the accessibility checks.
const READABLE_COLOURS = {
  token: {
    colorTextDescription: 'rgba(0, 0, 0, 0.62)',
    colorTextTertiary: 'rgba(0, 0, 0, 0.62)',
    colorLink: '#0064c8',
    colorInfo: '#0064c8',
    colorSuccess: '#237804',
    colorWarning: '#874d00',
    colorError: '#cf1322',
    // The light backgrounds and borders antd would derive from the default hues, not the dark ones.
    colorInfoBg: '#e6f4ff',
    colorInfoBorder: '#91caff',
    colorSuccessBg: '#f6ffed',
    colorSuccessBorder: '#b7eb8f',
    colorWarningBg: '#fffbe6',
    colorWarningBorder: '#ffe58f',
    colorErrorBg: '#fff2f0',
    colorErrorBorder: '#ffccc7',
  },
};

/** Signed out: sign-in and the one-time setup page; signed in: the shell. */
export const App = () => (
  <ConfigProvider theme={READABLE_COLOURS}>
    <Screens />
  </ConfigProvider>
);

const Screens = () => {
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
  return (
    <PolicyPanelProvider>
      <AppShell />
    </PolicyPanelProvider>
  );
};
