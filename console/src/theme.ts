import type { ThemeConfig } from 'antd';

/**
 * Alibaba Cloud's console blue, square corners, compact tables; motion off so screens are stable.
 * Several of antd's default colours fall below WCAG AA's 4.5:1 for small text: the grey of help and
 * secondary text (3.4:1), links (antd's own blue), the hovered primary button, and the text of
 * green, gold and red tags and error messages. Darker shades of the same hues keep the look and pass
 * the accessibility checks.
 */
export const CONSOLE_THEME: ThemeConfig = {
  token: {
    colorPrimary: '#0064c8',
    colorPrimaryHover: '#0050a0',
    colorPrimaryActive: '#003f80',
    borderRadius: 2,
    motion: false,
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
  components: { Table: { cellPaddingBlock: 8 } },
};
