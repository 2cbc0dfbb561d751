import { ConfigProvider } from 'antd';
import type { ReactNode } from 'react';

/**
 * The panel speaks in status colours (chips, errors, warnings, the impact rows); antd's defaults
 * for their text fall short of WCAG AA contrast on white and on the light alert backgrounds, so
 * the drawer and its dialogs use darker shades of the same hues.
 */
const PANEL_THEME = {
  token: {
    colorTextSecondary: 'rgba(0, 0, 0, 0.65)',
    colorTextTertiary: 'rgba(0, 0, 0, 0.65)',
    colorTextDescription: 'rgba(0, 0, 0, 0.65)',
    colorError: '#c41d1f',
    colorErrorText: '#b31b1d',
    colorWarning: '#ad6800',
    colorWarningText: '#8a5300',
    colorSuccess: '#237804',
    colorSuccessText: '#1f6b03',
    colorLink: '#00509f',
  },
};

export const PanelTheme = ({ children }: { readonly children: ReactNode }) => (
  <ConfigProvider theme={PANEL_THEME}>{children}</ConfigProvider>
);
