import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './app';
import { SessionProvider } from './session/session-context';
import './styles.css';

const root = document.getElementById('root');
if (root === null) throw new Error('no #root element');

// Alibaba Cloud's console blue, square corners, compact tables; motion off so screens are stable.
const theme = {
  token: { colorPrimary: '#0064c8', borderRadius: 2, motion: false },
  components: { Table: { cellPaddingBlock: 8 } },
};

createRoot(root).render(
  <StrictMode>
    <ConfigProvider theme={theme} locale={enUS}>
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
