// One "used of cap" figure with a bar; turns amber near the cap.
export function UsageMeter({ label, used, cap }: { label: string; used: number; cap: number }) {
  const near = cap > 0 && used / cap >= 0.8;
  return (
    <div className={`usage${near ? ' near' : ''}`}>
      <span className="usage-label">{label}</span>
      <meter
        min={0}
        max={cap}
        low={cap * 0.6}
        high={cap * 0.8}
        optimum={0}
        value={Math.min(used, cap)}
        aria-label={`${label}: ${used} of ${cap}`}
      />
      <span className="usage-figure">
        {used} / {cap}
      </span>
    </div>
  );
}
