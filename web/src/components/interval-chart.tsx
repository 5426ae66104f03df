/** Offered / answered / abandoned bars per interval with the service-level line (ECharts). */
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { formatClock, localDate } from '../model/format.js';
import type { IntervalSlot } from '../model/reports.js';

echarts.use([
  BarChart,
  LineChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  CanvasRenderer,
]);

/** Props of {@link IntervalChart}. */
export interface IntervalChartProps {
  points: readonly IntervalSlot[];
  withDate: boolean;
  /** The report's time zone: axis labels are local times there. */
  timeZone: string;
}

/** Axis label of a slot: `HH:MM`, with `MM-DD` first for ranges of several days. */
function slotLabel(ms: number, timeZone: string, withDate: boolean): string {
  const clock = formatClock(ms, timeZone, 'en', false);
  return withDate ? `${localDate(ms, timeZone).slice(5)} ${clock}` : clock;
}

/** The interval chart; resizes with its container. */
export function IntervalChart({ points, withDate, timeZone }: IntervalChartProps) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    if (!ref.current) return;
    const c = echarts.init(ref.current, undefined, { renderer: 'canvas' });
    chart.current = c;
    const observer = new ResizeObserver(() => c.resize());
    observer.observe(ref.current);
    return () => {
      observer.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(
      {
        animation: false,
        color: ['#64748b', '#16a34a', '#dc2626', '#2563eb'],
        tooltip: { trigger: 'axis' },
        legend: { top: 0, type: 'scroll' },
        grid: { left: 40, right: 48, top: 44, bottom: 28 },
        xAxis: {
          type: 'category',
          data: points.map((p) => slotLabel(p.startMs, timeZone, withDate)),
        },
        yAxis: [
          { type: 'value', minInterval: 1 },
          {
            type: 'value',
            min: 0,
            max: 100,
            axisLabel: { formatter: '{value}%' },
            splitLine: { show: false },
          },
        ],
        series: [
          {
            name: t('col.offered'),
            type: 'bar',
            barMaxWidth: 28,
            data: points.map((p) => p.offered),
          },
          {
            name: t('col.answered'),
            type: 'bar',
            barMaxWidth: 28,
            data: points.map((p) => p.answered),
          },
          {
            name: t('col.abandoned'),
            type: 'bar',
            barMaxWidth: 28,
            data: points.map((p) => p.abandoned),
          },
          {
            name: t('col.serviceLevel'),
            type: 'line',
            yAxisIndex: 1,
            connectNulls: false,
            data: points.map((p) =>
              p.serviceLevel === null ? null : Math.round(p.serviceLevel * 1000) / 10,
            ),
          },
        ],
      },
      true,
    );
  }, [points, withDate, timeZone, t]);

  return <div className="chart" ref={ref} data-testid="interval-chart" />;
}
