import { Segmented, Space, Typography } from 'antd';
import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { DailyCalls, DayCalls } from './daily-calls';
import './calls-chart.css';

const reducedMotion = (): boolean =>
  typeof window.matchMedia === 'function' && window.matchMedia('(prefers-reduced-motion: reduce)').matches;

const callsOf = (day: DayCalls): number => day.allowed + day.denied + day.failed;

const TOP = 5;
const SOURCE_COLOURS = ['#0064c8', '#13a8a8', '#d48806', '#722ed1', '#eb2f96'];

/** The source part of a `sourceKey`: `203.0.113.7` or `10.0.0.5 (vpc-…)`. */
const sourceName = (key: string): string => {
  const [ip, vpc] = key.split('|');
  return vpc === undefined || vpc === '' ? ip! : `${ip} (${vpc})`;
};

/**
 * Calls per UTC day, stacked by outcome or, on demand, by the five busiest sources; then a strip
 * per source with a tick for each day it was seen, so addresses that come and go (autoscaling,
 * functions without a fixed egress) show as turnover. recharts lives in this lazy chunk only.
 */
export default function CallsChart({ data }: { readonly data: DailyCalls }) {
  const [view, setView] = useState<'Outcome' | 'Top 5 sources'>('Outcome');
  const animate = !reducedMotion();
  const top = [...data.perSource]
    .map(([key, series]) => ({ key, calls: series.reduce((n, d) => n + callsOf(d), 0) }))
    .sort((a, b) => b.calls - a.calls)
    .slice(0, TOP)
    .map((s) => s.key);
  const rows = data.days.map((day, i) => {
    const total = data.totals[i]!;
    const row: Record<string, string | number> = {
      day: day.slice(5),
      Allowed: total.allowed,
      'Denied by ACL': total.denied,
      'Other failures': total.failed,
    };
    for (const key of top) row[sourceName(key)] = callsOf(data.perSource.get(key)![i]!);
    return row;
  });
  const bars =
    view === 'Outcome'
      ? [
          { name: 'Allowed', colour: '#52c41a' },
          { name: 'Denied by ACL', colour: '#f5222d' },
          { name: 'Other failures', colour: '#8c8c8c' },
        ]
      : top.map((key, i) => ({ name: sourceName(key), colour: SOURCE_COLOURS[i]! }));
  const strips = [...data.perSource].sort(([a], [b]) => a.localeCompare(b));
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Segmented
        aria-label="Stack calls by"
        options={['Outcome', 'Top 5 sources']}
        value={view}
        onChange={(value) => setView(value as typeof view)}
      />
      <div role="img" aria-label={`Calls per day, stacked by ${view === 'Outcome' ? 'outcome' : 'source'}`}>
        <ResponsiveContainer width="100%" height={240}>
          <BarChart data={rows}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="day" />
            <YAxis allowDecimals={false} />
            <Tooltip isAnimationActive={animate} />
            <Legend />
            {bars.map((bar) => (
              <Bar
                key={bar.name}
                dataKey={bar.name}
                stackId="calls"
                fill={bar.colour}
                isAnimationActive={animate}
              />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
      <Typography.Text strong>Days seen per source</Typography.Text>
      <table className="kf-strips">
        <thead>
          <tr>
            <th scope="col">Source</th>
            {data.days.map((day) => (
              <th scope="col" key={day} title={day}>
                <span className="kf-visually-hidden">{day}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {strips.map(([key, series]) => (
            <tr key={key}>
              <th scope="row">{sourceName(key)}</th>
              {series.map((day, i) => (
                <td key={data.days[i]} title={`${data.days[i]}: ${callsOf(day)} calls`}>
                  <span className={callsOf(day) > 0 ? 'kf-tick kf-tick-seen' : 'kf-tick'} />
                  <span className="kf-visually-hidden">{callsOf(day) > 0 ? 'seen' : 'not seen'}</span>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </Space>
  );
}
