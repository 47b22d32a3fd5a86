// Sends per minute over time, drawn by uPlot (small, fast, canvas; no inline scripts for the CSP).
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface RatePoint {
  /** Bucket start, epoch ms. */
  at: number;
  sent: number;
}

const HEIGHT = 180;

function toData(points: RatePoint[]): uPlot.AlignedData {
  return [points.map((p) => p.at / 1000), points.map((p) => p.sent)];
}

export function SendRateChart({ points, bucketMs, label }: { points: RatePoint[]; bucketMs: number; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(points);
  latest.current = points;
  const half = bucketMs / 2000;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const u = new uPlot(
      {
        width: Math.max(el.clientWidth, 200),
        height: HEIGHT,
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        // Half a bucket of room on each side, so one minute of sends is still a visible bar.
        scales: {
          x: {
            time: true,
            range: (u) => {
              const xs = u.data[0];
              const first = xs[0] ?? Date.now() / 1000;
              const last = xs[xs.length - 1] ?? first;
              return [first - half, last + half];
            },
          },
          y: { range: (_u, _min, max) => [0, Math.max(1, max)] },
        },
        axes: [{}, { label: 'per minute', size: 50 }],
        series: [
          {},
          {
            label,
            stroke: '#2357c6',
            fill: 'rgba(35, 87, 198, 0.35)',
            width: 1,
            paths: uPlot.paths.bars?.({ size: [0.8, 48] }),
            points: { show: false },
          },
        ],
      },
      toData(latest.current),
      el,
    );
    plot.current = u;
    const ro = new ResizeObserver(() => u.setSize({ width: Math.max(el.clientWidth, 200), height: HEIGHT }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [label, half]);

  useEffect(() => {
    plot.current?.setData(toData(points));
  }, [points]);

  return <div ref={box} className="rate-chart" role="img" aria-label={label} data-testid="send-rate-chart" />;
}
