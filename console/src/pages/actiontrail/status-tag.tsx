import { Tag } from 'antd';
import type { ReactNode } from 'react';

/** Tag colours with text dark enough for WCAG AA on their background (antd's presets are lighter). */
const TONES = {
  good: { color: '#135200', background: '#f6ffed', borderColor: '#95de64' },
  bad: { color: '#820014', background: '#fff1f0', borderColor: '#ff7875' },
  warn: { color: '#612500', background: '#fff7e6', borderColor: '#ffc069' },
  info: { color: '#002c8c', background: '#e6f4ff', borderColor: '#69b1ff' },
  neutral: { color: '#262626', background: '#fafafa', borderColor: '#d9d9d9' },
} as const;

export type Tone = keyof typeof TONES;

export const StatusTag = ({
  tone,
  wrap = false,
  children,
}: {
  readonly tone: Tone;
  /** Let the text wrap (a narrow column) instead of keeping to one line. */
  readonly wrap?: boolean;
  readonly children: ReactNode;
}) => <Tag style={wrap ? { ...TONES[tone], whiteSpace: 'normal' } : TONES[tone]}>{children}</Tag>;
