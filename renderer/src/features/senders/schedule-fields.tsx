import type { SendWindow } from '../../../../shared/domain';
import { DAY_NAMES, defaultWindow, fromLocalInput, minuteToTime, timeToMinute, toLocalInput } from './schedule';

const zones = (): string[] => {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [Intl.DateTimeFormat().resolvedOptions().timeZone];
  }
};

export function ScheduleFields({
  scheduleAt,
  onScheduleAt,
  window,
  onWindow,
}: {
  scheduleAt: number | null;
  onScheduleAt: (ms: number | null) => void;
  window: SendWindow | null;
  onWindow: (w: SendWindow | null) => void;
}) {
  const here = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    <fieldset className="stack">
      <legend>When to send</legend>
      <label>
        Start no earlier than (your computer's time; empty: as soon as it is started)
        <input
          type="datetime-local"
          value={toLocalInput(scheduleAt)}
          onChange={(e) => onScheduleAt(fromLocalInput(e.target.value))}
        />
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={window !== null}
          onChange={(e) => onWindow(e.target.checked ? defaultWindow(here) : null)}
        />
        Only send inside a weekly window
      </label>
      {window && (
        <div className="stack window-fields">
          <label>
            Time zone
            <select value={window.timeZone} onChange={(e) => onWindow({ ...window, timeZone: e.target.value })}>
              {zones().map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </select>
          </label>
          <fieldset className="row">
            <legend className="sr-only">Days</legend>
            {DAY_NAMES.map((d, i) => (
              <label key={d} className="check">
                <input
                  type="checkbox"
                  checked={window.days.includes(i)}
                  onChange={(e) =>
                    onWindow({
                      ...window,
                      days: e.target.checked
                        ? [...new Set([...window.days, i])].sort()
                        : window.days.filter((x) => x !== i),
                    })
                  }
                />
                {d}
              </label>
            ))}
          </fieldset>
          <div className="row">
            <label>
              From
              <input
                type="time"
                value={minuteToTime(window.startMinute)}
                onChange={(e) => onWindow({ ...window, startMinute: timeToMinute(e.target.value) })}
              />
            </label>
            <label>
              Until
              <input
                type="time"
                value={minuteToTime(window.endMinute)}
                onChange={(e) => onWindow({ ...window, endMinute: timeToMinute(e.target.value, true) })}
              />
            </label>
          </div>
        </div>
      )}
    </fieldset>
  );
}
