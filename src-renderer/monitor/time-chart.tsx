import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/*
 * A small time-series line chart on uPlot: a canvas that draws thousands of points in
 * a millisecond, with time axes, a hover cursor and a legend that shows the value under it.
 * This wrapper only builds the options and keeps the chart's data and width in step with React.
 */

export interface TimeChartProps {
  /** Seconds since the epoch, one per point. */
  times: number[];
  values: (number | null)[];
  /** The series name in the legend. */
  label: string;
  /** CSS colour of the line. */
  color: string;
  /** Formats a y value for the axis and the legend (units, grouping). */
  format(value: number): string;
  /** The x series' name in the legend ("Time"). */
  timeLabel: string;
  language: string;
  testId: string;
  height?: number;
  /** Draw each point: for series with gaps, whose lone points a line cannot show. */
  points?: boolean;
}

const AXIS_COLOR = '#656d76';
const GRID_COLOR = '#eceef1';

function options(props: TimeChartProps, width: number): uPlot.Options {
  const clock = new Intl.DateTimeFormat(props.language, {
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  });
  const fill = `${props.color}22`;
  return {
    width,
    height: props.height ?? 150,
    scales: { x: { time: true }, y: { range: (_u, min, max) => [0, Math.max(max, min + 1) * 1.1] } },
    cursor: { points: { size: 6 } },
    legend: { live: true },
    series: [
      {
        label: props.timeLabel,
        value: (_u, seconds) => (seconds === null ? '—' : clock.format(new Date(seconds * 1000))),
      },
      {
        label: props.label,
        stroke: props.color,
        fill,
        width: 1.5,
        spanGaps: false,
        points: props.points ? { show: true, size: 5, fill: props.color } : { show: false },
        value: (_u, value) => (value === null ? '—' : props.format(value)),
      },
    ],
    axes: [
      {
        stroke: AXIS_COLOR,
        grid: { stroke: GRID_COLOR, width: 1 },
        ticks: { stroke: GRID_COLOR, width: 1 },
        values: (_u, splits) => splits.map((seconds) => clock.format(new Date(seconds * 1000))),
      },
      {
        stroke: AXIS_COLOR,
        grid: { stroke: GRID_COLOR, width: 1 },
        ticks: { stroke: GRID_COLOR, width: 1 },
        size: 56,
        values: (_u, splits) => splits.map((value) => props.format(value)),
      },
    ],
  };
}

/** One line over time; the points' count and the last value are in data attributes for tests. */
export function TimeChart(props: TimeChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const { times, values, label, color, language } = props;
  const latest = useRef(props);
  latest.current = props;

  // The chart is rebuilt when what its options say changes (language, name, colour), not per data.
  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const made = new uPlot(
      options(latest.current, Math.max(200, element.clientWidth)),
      [latest.current.times, latest.current.values],
      element,
    );
    chart.current = made;
    const resized = new ResizeObserver(() => {
      made.setSize({ width: Math.max(200, element.clientWidth), height: latest.current.height ?? 150 });
    });
    resized.observe(element);
    return () => {
      resized.disconnect();
      made.destroy();
      chart.current = null;
    };
  }, [label, color, language, props.timeLabel, props.points]);

  useEffect(() => {
    chart.current?.setData([times, values]);
  }, [times, values]);

  const last = [...values].reverse().find((value) => value !== null);
  return (
    <div
      ref={host}
      className="monitor-chart"
      data-testid={props.testId}
      data-points={values.filter((value) => value !== null).length}
      data-last={last ?? ''}
      data-sum={values.reduce<number>((sum, value) => sum + (value ?? 0), 0)}
    />
  );
}
