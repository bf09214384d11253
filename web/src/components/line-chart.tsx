import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  color: string;
  values: (number | null)[];
  /** Drawn dashed, e.g. a guardrail's limit. */
  dashed?: boolean;
}

function isSparse(entry: ChartSeries): boolean {
  return entry.values.filter((value) => value !== null).length < 3;
}

/**
 * A time-series chart (uPlot on a canvas). The figure carries a text summary for screen
 * readers, since a canvas has none. Resizes with its container.
 */
export function LineChart(props: {
  title: string;
  /** Seconds since epoch, one per point. */
  times: number[];
  series: ChartSeries[];
  format: (value: number | null) => string;
  height?: number;
}) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const { title, times, series, format, height = 180 } = props;

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 200),
      height,
      // Series names only: the hover values would repeat the axis.
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true } },
      axes: [
        { stroke: 'currentColor', grid: { stroke: 'rgba(127,127,127,0.15)' } },
        {
          stroke: 'currentColor',
          grid: { stroke: 'rgba(127,127,127,0.15)' },
          size: 76,
          values: (_self, ticks) => ticks.map((tick) => format(tick)),
        },
      ],
      series: [
        {},
        ...series.map((entry) => ({
          label: entry.label,
          stroke: entry.color,
          width: 2,
          dash: entry.dashed ? [6, 4] : undefined,
          spanGaps: true,
          // Points only for sparse lines: one busy step in a window has no line to draw.
          points: { show: isSparse(entry), size: 6 },
          value: (_self: uPlot, value: number | null) => format(value),
        })),
      ],
    };
    const data: uPlot.AlignedData = [times, ...series.map((entry) => entry.values)];
    chart.current = new uPlot(options, data, element);
    const observer = new ResizeObserver(() => {
      chart.current?.setSize({ width: Math.max(element.clientWidth, 200), height });
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.current?.destroy();
      chart.current = null;
    };
    // Rebuilt when the set of lines changes; new points alone go through setData below.
  }, [series.map((entry) => `${entry.label}:${isSparse(entry)}`).join('|'), height]);

  useEffect(() => {
    chart.current?.setData([times, ...series.map((entry) => entry.values)]);
  }, [times, series]);

  const latest = series
    .map((entry) => `${entry.label}: ${format(entry.values.at(-1) ?? null)}`)
    .join(', ');
  return (
    <figure class="chart" aria-label={`${title}. Latest: ${latest || 'no data'}`}>
      <figcaption>{title}</figcaption>
      <div ref={container} class="chart-canvas" />
    </figure>
  );
}
