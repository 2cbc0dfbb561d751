import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './app';
import { SessionProvider } from './session/session-context';
import { CONSOLE_THEME } from './theme';
import './styles.css';

const root = document.getElementById('root');
if (root === null) throw new Error('no #root element');

createRoot(root).render(
  <StrictMode>
    <ConfigProvider theme={CONSOLE_THEME} locale={enUS}>
      <AntApp>
        <BrowserRouter basename="/console">
          <SessionProvider>
            <App />
          </SessionProvider>
        </BrowserRouter>
      </AntApp>
    </ConfigProvider>
  </StrictMode>,
);
