// "14:05", "tomorrow 09:12", "Fri 3 Jan 08:00": the shortest wording that still says when.

const pad = (n: number) => String(n).padStart(2, '0');

function dayStart(ms: number): number {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

export function formatUntil(at: number, now = Date.now()): string {
  const d = new Date(at);
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const days = Math.round((dayStart(at) - dayStart(now)) / 86_400_000);
  if (days === 0) return hm;
  if (days === 1) return `tomorrow ${hm}`;
  const date = d.toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short' });
  return `${date} ${hm}`;
}
